#pragma once
// Bound client sessions by bare JID: who is online, which resource gets a
// message sent to the bare JID (RFC 6121 8.5.2), resource conflicts.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keyfed/server/event_bus.hpp"
#include "keyfed/server/session.hpp"

namespace keyfed::server {

class SessionRegistry {
 public:
  // Registers a session that has just bound its full JID. The caller has
  // already resolved resource conflicts (find() first).
  void add(ClientSession& session);
  // Forgets the session; harmless when it was never added.
  void remove(ClientSession& session);

  [[nodiscard]] ClientSession* find(const xmpp::Jid& fullJid) const;
  // Every bound resource of an account (empty when offline).
  [[nodiscard]] const std::vector<ClientSession*>& resources(std::string_view bareJid) const;
  // Available resources with non-negative priority sharing the highest
  // priority: where a chat/normal message to the bare JID goes.
  [[nodiscard]] std::vector<ClientSession*> messageTargets(std::string_view bareJid) const;
  // Available resources (sent initial presence), any priority.
  [[nodiscard]] std::vector<ClientSession*> availableResources(std::string_view bareJid) const;

  [[nodiscard]] std::size_t count() const { return count_; }
  [[nodiscard]] std::size_t countForHost(std::string_view host) const;

  // Calls fn(ClientSession&) for every bound session (may not add or remove).
  template <class Fn>
  void forEach(Fn&& fn) const {
    for (const auto& [bare, list] : byBare_) {
      for (ClientSession* s : list) fn(*s);
    }
  }

 private:
  std::unordered_map<std::string, std::vector<ClientSession*>, StringHash, std::equal_to<>> byBare_;
  std::size_t count_ = 0;
};

}  // namespace keyfed::server
