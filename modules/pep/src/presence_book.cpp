#include "presence_book.hpp"

namespace keyfed::modules::pep {

bool PresenceBook::add(std::string_view account, std::string_view jid) {
  auto it = byAccount_.find(account);
  if (it == byAccount_.end()) it = byAccount_.emplace(std::string(account), 0).first;
  auto& set = it->second;
  if (set.size() >= kMaxPerAccount) return false;
  return set.emplace(jid).second;
}

void PresenceBook::remove(std::string_view account, std::string_view jid) {
  auto it = byAccount_.find(account);
  if (it == byAccount_.end()) return;
  it->second.erase(std::string(jid));
  if (it->second.empty()) byAccount_.erase(it);
}

void PresenceBook::forgetAccount(std::string_view account) {
  auto it = byAccount_.find(account);
  if (it != byAccount_.end()) byAccount_.erase(it);
}

}  // namespace keyfed::modules::pep
