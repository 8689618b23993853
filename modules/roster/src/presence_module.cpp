// RFC 6121 sections 3 and 4 (docs/im.md): subscriptions in both directions,
// broadcast of a resource's presence to its subscribers and its own account,
// probes at initial presence, directed presence, and unavailable presence
// when a resource goes away.
#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>

#include "keyfed/base/log.hpp"
#include "keyfed/modules/roster.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "presence_sender.hpp"
#include "roster_items.hpp"
#include "subscription_state.hpp"
#include "subscriptions.hpp"

namespace keyfed::modules {
namespace {

using roster::Account;

// Per-session state (ClientSession::data) under this key.
constexpr std::string_view kDataKey = "presence";
// Directed presence targets remembered per resource; beyond this, directed
// presence is still routed but its target gets no unavailable at the end.
constexpr std::size_t kMaxDirectedTargets = 1000;

// RFC 6121 4.6: whom this resource sent directed available presence to, for
// the unavailable presence it owes them when it goes offline.
struct DirectedPresence {
  std::set<std::string> targets;  // full or bare JIDs, as addressed
};

// RFC 6121 4.7.2.3: an integer from -128 to +127; anything else counts as 0.
int parsePriority(const xml::Element& presence) {
  const xml::Element* element = presence.child("priority", presence.ns());
  if (element == nullptr) return 0;
  const std::string text = element->text();
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  int value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (end != digits.data() + digits.size() || digits.empty()) return 0;
  if (ec == std::errc::result_out_of_range) return digits.front() == '-' ? -128 : 127;
  if (ec != std::errc()) return 0;
  return std::clamp(value, -128, 127);
}

class PresenceModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "presence"; }

  base::Result<void> load(server::Server& server) override {
    auto& stanzas = server.hooks().stanzas;
    stanzas.hook("pre-presence/self", [this](server::StanzaEvent& e) { return onBroadcast(e); });
    for (std::string_view to : {"bare", "full", "host"}) {
      stanzas.hook("pre-presence/" + std::string(to),
                   [this](server::StanzaEvent& e) { return onOutbound(e); });
    }
    stanzas.hook("presence/bare", [this](server::StanzaEvent& e) { return onInbound(e); });
    server.hooks().sessions.hook("resource-unbound", [this](server::SessionEvent& e) {
      onUnbound(e.server, e.session);
      return false;  // other modules clean up too
    });
    server.hooks().features.hook("c2s-features", [](server::FeaturesEvent& e) {
      if (e.authenticated) {
        e.features.addChild("sub", std::string(xmpp::ns::presenceSubscriptionPreApproval));
      }
      return false;
    });
    return {};
  }

 private:
  // Presence without 'to': initial presence, updates, unavailable.
  bool onBroadcast(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    if (client == nullptr) return true;
    const auto type = xmpp::stanzaType(e.stanza);
    xml::Element presence = e.stanza;
    presence.removeAttr("to");
    presence.setAttr("from", client->jid().full());
    if (type.empty()) {
      becomeAvailable(e.server, *client, presence);
    } else if (type == "unavailable") {
      becomeUnavailable(e.server, *client, presence, /*reflect=*/true);
    }
    // Subscriptions, probes and errors need an addressee: dropped.
    return true;
  }

  // Presence with 'to': subscriptions are ours; everything else is routed by
  // the router once we have noted directed presence.
  bool onOutbound(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    if (client == nullptr) return false;
    const auto type = xmpp::stanzaType(e.stanza);
    if (auto sub = roster::parseSubscriptionType(type)) {
      roster::handleOutbound(e.server, *client, e.stanza, e.to, *sub);
      return true;
    }
    if (type.empty() || type == "unavailable" || type == "error") {
      auto& directed = client->data<DirectedPresence>(kDataKey).targets;
      if (!type.empty()) {
        directed.erase(e.to.full());
      } else if (directed.size() < kMaxDirectedTargets) {
        directed.insert(e.to.full());
      }
    }
    return false;  // a client's probe (XEP-0318) is routed as it is, too
  }

  // Presence for a local account (bare JID, or a full JID for subscriptions
  // and probes: the router hands those over as bare).
  bool onInbound(server::StanzaEvent& e) {
    const auto type = xmpp::stanzaType(e.stanza);
    if (auto sub = roster::parseSubscriptionType(type)) {
      roster::handleInbound(e.server, e.stanza, e.from, e.to, *sub);
      return true;
    }
    if (type == "probe") {
      roster::handleProbe(e.server, e.from, e.to);
      return true;
    }
    return false;  // available/unavailable/error: the router delivers it
  }

  void onUnbound(server::Server& server, server::ClientSession& client) {
    const auto* directed = client.findData<DirectedPresence>(kDataKey);
    if (!client.presence.available && (directed == nullptr || directed->targets.empty())) return;
    xml::Element presence("presence", std::string(xmpp::ns::client));
    presence.setAttr("from", client.jid().full());
    presence.setAttr("type", "unavailable");
    becomeUnavailable(server, client, presence, /*reflect=*/false);
  }

  // RFC 6121 4.2 (initial presence) and 4.4 (updates).
  void becomeAvailable(server::Server& server, server::ClientSession& client,
                       const xml::Element& presence) {
    const Account account{client.user(), client.host()};
    const bool initial = !client.presence.available;
    client.presence.available = true;
    client.presence.priority = parsePriority(presence);
    client.presence.last = presence;

    auto roster = loadRoster(server, account);
    broadcast(server, client, presence, roster ? &*roster : nullptr, /*reflect=*/true);
    if (!initial) return;

    if (roster) {
      // RFC 6121 4.3.1: ask each contact we are subscribed to for its presence.
      for (const auto& item : roster->items) {
        if (roster::hasTo(item.subscription)) {
          roster::sendPresence(server, client.jid().full(), item.jid, "probe");
        }
      }
    }
    // The presence of the account's other available resources.
    const auto others = server.sessions().availableResources(account.bare());
    for (server::ClientSession* s : others) {
      if (s == &client || !s->presence.last) continue;
      xml::Element theirs = *s->presence.last;
      theirs.setAttr("to", client.jid().full());
      server.route(std::move(theirs));
    }
    server::SessionEvent event{server, client};
    server.hooks().sessions.fire("initial-presence", event);
    if (roster) roster::deliverPendingRequests(server, client, *roster);
  }

  // RFC 6121 4.5: to subscribers, own resources and directed-presence targets.
  void becomeUnavailable(server::Server& server, server::ClientSession& client,
                         const xml::Element& presence, bool reflect) {
    const Account account{client.user(), client.host()};
    std::unordered_set<std::string> covered;  // bare JIDs the broadcast reached
    if (client.presence.available) {
      auto roster = loadRoster(server, account);
      covered = broadcast(server, client, presence, roster ? &*roster : nullptr, reflect);
      covered.insert(account.bare());
    }
    client.presence.available = false;
    client.presence.priority = 0;
    client.presence.last.reset();
    if (auto* directed = client.findData<DirectedPresence>(kDataKey)) {
      const auto targets = std::move(directed->targets);
      directed->targets.clear();
      for (const auto& target : targets) {
        auto jid = xmpp::Jid::parse(target);
        if (!jid || covered.contains(std::string(jid->bareView()))) continue;
        xml::Element copy = presence;
        copy.setAttr("to", target);
        server.route(std::move(copy));
      }
    }
  }

  // Sends `presence` to every contact with a 'from' subscription and to the
  // account's available resources (the sender too when `reflect`). Returns
  // the contacts' bare JIDs.
  std::unordered_set<std::string> broadcast(server::Server& server, server::ClientSession& client,
                                            const xml::Element& presence,
                                            const storage::Roster* roster, bool reflect) {
    std::unordered_set<std::string> contacts;
    if (roster != nullptr) {
      for (const auto& item : roster->items) {
        if (!roster::hasFrom(item.subscription)) continue;
        contacts.insert(item.jid);
        xml::Element copy = presence;
        copy.setAttr("to", item.jid);
        server.route(std::move(copy));
      }
    }
    const auto own = server.sessions().availableResources(client.jid().bareView());
    for (server::ClientSession* s : own) {
      if (s == &client && !reflect) continue;
      xml::Element copy = presence;
      copy.setAttr("to", s->jid().full());
      server.route(std::move(copy));
    }
    return contacts;
  }

  std::optional<storage::Roster> loadRoster(server::Server& server, const Account& account) {
    auto roster = server.storage().roster().get(account.user, account.host);
    if (!roster) {
      log_.warn("roster of {} unavailable, presence goes to own resources only: {}", account.bare(),
                roster.error().describe());
      return std::nullopt;
    }
    return std::move(*roster);
  }

  base::Logger log_{"presence"};
};

}  // namespace

std::unique_ptr<server::Module> makePresenceModule() {
  return std::make_unique<PresenceModule>();
}

}  // namespace keyfed::modules
