#include "subscriptions.hpp"

#include <string>

#include "keyfed/base/log.hpp"
#include "presence_sender.hpp"
#include "roster_items.hpp"
#include "stored_stanza.hpp"

namespace keyfed::modules::roster {
namespace {

using xmpp::StanzaErrorCondition;

const base::Logger& log() {
  static const base::Logger logger("presence");
  return logger;
}

Account accountOf(const server::ClientSession& client) {
  return Account{client.user(), client.host()};
}

Account accountOf(const xmpp::Jid& jid) {
  return Account{std::string(jid.node()), std::string(jid.domain())};
}

// The item for `contact`, or a fresh unlisted one without state.
storage::RosterItem itemOrNew(std::optional<storage::RosterItem> loaded, std::string contact) {
  if (loaded) return std::move(*loaded);
  storage::RosterItem item;
  item.jid = std::move(contact);
  item.listed = false;
  return item;
}

// The stanza error a client sees when its roster could not be changed.
StanzaErrorCondition conditionFor(const base::Error& error) {
  if (error.code == storage::errc::kQuota) return StanzaErrorCondition::policyViolation;
  if (error.code == storage::errc::kInvalid) return StanzaErrorCondition::notAcceptable;
  return StanzaErrorCondition::internalServerError;
}

// `stanza` with 'from' and 'to' replaced by the bare JIDs.
xml::Element readdressed(const xml::Element& stanza, std::string_view from, std::string_view to) {
  xml::Element copy = stanza;
  copy.setAttr("from", from);
  copy.setAttr("to", to);
  return copy;
}

}  // namespace

void handleOutbound(server::Server& server, server::ClientSession& client,
                    const xml::Element& stanza, const xmpp::Jid& to, SubscriptionType type) {
  const Account account = accountOf(client);
  const std::string user = account.bare();
  std::string contact(to.bareView());
  if (contact == user) return;  // one is always subscribed to oneself

  auto loaded = loadItem(server, account, contact);
  if (!loaded) {
    log().warn("roster of {} unavailable: {}", user, loaded.error().describe());
    server.bounce(stanza, StanzaErrorCondition::internalServerError);
    return;
  }
  const bool existed = loaded->has_value();
  storage::RosterItem item = itemOrNew(std::move(*loaded), contact);
  const Transition t = applyOutbound(item, type);
  if (t.changed) {
    if (auto saved = saveItem(server, account, item, existed); !saved) {
      log().warn("storing {}'s item for {} failed: {}", user, contact, saved.error().describe());
      server.bounce(stanza, conditionFor(saved.error()), "The roster could not be changed");
      return;
    }
  }
  if (t.forward) server.route(readdressed(stanza, user, contact));
  if (t.fromGranted) sendCurrentPresence(server, account, contact);
  if (t.fromRevoked) sendUnavailable(server, account, contact);
}

void handleInbound(server::Server& server, const xml::Element& stanza, const xmpp::Jid& from,
                   const xmpp::Jid& to, SubscriptionType type) {
  if (!from.valid() || !to.hasNode()) return;
  const Account account = accountOf(to);
  const std::string user = account.bare();
  std::string contact(from.bareView());
  if (contact == user) return;

  auto loaded = loadItem(server, account, contact);
  if (!loaded) {
    if (loaded.error().code == storage::errc::kNotFound) {
      // RFC 6121 3.1.3: no such account; the request is refused, nothing else is answered.
      if (type == SubscriptionType::subscribe) {
        sendPresence(server, user, contact, "unsubscribed");
      }
    } else {
      log().warn("roster of {} unavailable: {}", user, loaded.error().describe());
    }
    return;
  }
  const bool existed = loaded->has_value();
  storage::RosterItem item = itemOrNew(std::move(*loaded), contact);
  xml::Element delivered = readdressed(stanza, contact, user);
  std::string kept;
  if (type == SubscriptionType::subscribe) {
    kept = serializeRequest(delivered, server.storage().limits().pendingStanzaBytes);
  }
  const Transition t = applyInbound(item, type, kept);
  if (t.changed) {
    if (auto saved = saveItem(server, account, item, existed); !saved) {
      // Not stored means not happened: the contact may ask again.
      log().warn("storing {}'s item for {} failed: {}", user, contact, saved.error().describe());
      return;
    }
  }
  if (t.forward) {
    for (server::ClientSession* s : server.sessions().availableResources(user)) {
      s->send(delivered);
    }
  }
  if (t.autoReply) sendPresence(server, user, contact, "subscribed");
  if (t.autoReply || t.fromGranted) sendCurrentPresence(server, account, contact);
  if (t.fromRevoked) sendUnavailable(server, account, contact);
}

void handleProbe(server::Server& server, const xmpp::Jid& from, const xmpp::Jid& to) {
  if (!from.valid() || !to.hasNode()) return;
  const Account account = accountOf(to);
  const std::string user = account.bare();
  const std::string prober(from.bareView());
  bool subscribed = prober == user;
  if (!subscribed) {
    auto loaded = loadItem(server, account, prober);
    subscribed = loaded && loaded->has_value() && hasFrom((*loaded)->subscription);
  }
  if (subscribed && sendCurrentPresence(server, account, from.full()) > 0) return;
  // Nothing to reveal: not subscribed, no such account, or nobody online.
  sendPresence(server, user, from.full(), "unavailable");
}

void deliverPendingRequests(server::Server& server, server::ClientSession& session,
                            const storage::Roster& roster) {
  const std::string user = accountOf(session).bare();
  const std::size_t maxBytes = server.storage().limits().pendingStanzaBytes;
  for (const auto& item : roster.items) {
    if (!item.pendingIn) continue;
    session.send(storedRequest(item.pendingInStanza, item.jid, user, maxBytes));
  }
}

}  // namespace keyfed::modules::roster
