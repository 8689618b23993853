#pragma once
// The blocking module's parts: the blocklist commands (commands.cpp) and the
// enforcement on stanzas (enforcement.cpp), sharing the cache of lists.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "blocklist.hpp"
#include "blocklist_cache.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::modules::blocking {

// Runs before other modules' handlers of the same events (presence, offline,
// carbons run at priority 0), so a blocked stanza never reaches them.
inline constexpr int kEnforcementPriority = 100;

// Per-session state under ClientSession::data("blocking").
struct SessionState {
  bool requestedList = false;  // pushes go only to resources that asked (XEP-0191 3.3)
};
inline constexpr std::string_view kSessionKey = "blocking";

class BlockingModule final : public server::Module {
 public:
  std::string_view name() const override { return "blocking"; }
  base::Result<void> load(server::Server& server) override;

 private:
  // commands.cpp
  bool handleGet(server::StanzaEvent& e);
  bool handleSet(server::StanzaEvent& e);
  void block(server::StanzaEvent& e, server::ClientSession& client, std::vector<std::string> jids);
  void unblock(server::StanzaEvent& e, server::ClientSession& client,
               std::vector<std::string> jids);
  void push(const server::ClientSession& client, const xml::Element& payload);
  // XEP-0191 3.3 and 3.4: contacts allowed to see the user's presence get
  // unavailable presence when blocked, and the current presence when unblocked.
  void sendPresenceOnChange(const server::ClientSession& client, const Blocklist& before,
                            const Blocklist& after, bool available);

  // enforcement.cpp
  bool checkOutgoing(server::StanzaEvent& e);
  bool checkToAccount(server::StanzaEvent& e);
  bool checkBareIqFromClient(server::StanzaEvent& e);
  bool checkRemote(server::StanzaEvent& e);
  // Whether the local account of `owner` (bare or full) blocks `other`.
  // Storage failures fail open (docs/server-features.md).
  bool blocks(const xmpp::Jid& owner, const xmpp::Jid& other);
  [[nodiscard]] bool isLocalAccount(const xmpp::Jid& jid) const;

  server::Server* server_ = nullptr;
  std::unique_ptr<BlocklistCache> cache_;
  std::uint64_t pushes_ = 0;
  base::Logger log_{"blocking"};
};

}  // namespace keyfed::modules::blocking
