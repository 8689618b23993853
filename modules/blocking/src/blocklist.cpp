#include "blocklist.hpp"

#include <algorithm>

namespace keyfed::modules::blocking {

Blocklist::Blocklist(const std::vector<std::string>& jids) : jids_(jids.begin(), jids.end()) {}

bool Blocklist::blocks(const xmpp::Jid& who) const {
  if (jids_.empty() || !who.valid()) return false;
  if (who.hasNode() && jids_.contains(who.bareView())) return true;
  // user@domain/resource, or domain/resource: only that very JID.
  if (who.hasResource() && jids_.contains(std::string_view(who.full()))) return true;
  // The domain and every domain it is a subdomain of.
  std::string_view d = who.domain();
  while (!d.empty()) {
    if (jids_.contains(d)) return true;
    const auto dot = d.find('.');
    if (dot == std::string_view::npos) break;
    d.remove_prefix(dot + 1);
  }
  return false;
}

std::vector<std::string> Blocklist::sorted() const {
  std::vector<std::string> out(jids_.begin(), jids_.end());
  std::sort(out.begin(), out.end());
  return out;
}

void Blocklist::remove(std::string_view jid) {
  auto it = jids_.find(jid);
  if (it != jids_.end()) jids_.erase(it);
}

}  // namespace keyfed::modules::blocking
