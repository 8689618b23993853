#pragma once
// The remote entities (full JIDs on other servers) that sent available
// presence to a local account and have a presence subscription to it: where
// that account's notifications go beyond this server. Local contacts are
// found in the session registry instead. Bounded per account.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "keyfed/server/event_bus.hpp"

namespace keyfed::modules::pep {

class PresenceBook {
 public:
  static constexpr std::size_t kMaxPerAccount = 1000;

  // Returns whether the entity is new for the account (false when already
  // there or the account's list is full).
  bool add(std::string_view account, std::string_view jid);
  void remove(std::string_view account, std::string_view jid);
  void forgetAccount(std::string_view account);

  template <class Fn>
  void forEach(std::string_view account, Fn&& fn) const {
    auto it = byAccount_.find(account);
    if (it == byAccount_.end()) return;
    for (const auto& jid : it->second) fn(std::string_view(jid));
  }

 private:
  std::unordered_map<std::string, std::unordered_set<std::string>, server::StringHash,
                     std::equal_to<>>
      byAccount_;
};

}  // namespace keyfed::modules::pep
