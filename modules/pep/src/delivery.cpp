#include "delivery.hpp"

#include <algorithm>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::pep {
namespace {

bool hasFrom(storage::Subscription s) {
  return s == storage::Subscription::from || s == storage::Subscription::both;
}

bool hasTo(storage::Subscription s) {
  return s == storage::Subscription::to || s == storage::Subscription::both;
}

std::string_view domainOf(std::string_view bare) {
  const auto at = bare.find('@');
  return at == std::string_view::npos ? bare : bare.substr(at + 1);
}

// What the owner's roster item for the requester says: its relation, and its
// groups when the owner lists it (an unlisted item only keeps subscription
// state, docs/im.md).
void applyRosterItem(Requester& requester, const storage::RosterItem* item) {
  if (item == nullptr) return;
  requester.relation = hasFrom(item->subscription) ? Relation::subscriber : Relation::stranger;
  if (item->listed) requester.groups = item->groups;
}

// The roster's item for `bare` (items are ordered by JID), or nullptr.
const storage::RosterItem* findItem(const storage::Roster& roster, std::string_view bare) {
  auto it = std::lower_bound(
      roster.items.begin(), roster.items.end(), bare,
      [](const storage::RosterItem& item, std::string_view jid) { return item.jid < jid; });
  return it != roster.items.end() && it->jid == bare ? &*it : nullptr;
}

}  // namespace

Requester requesterOf(server::Server& server, const xmpp::Jid& owner, std::string_view jid) {
  Requester requester{std::string(jid), Relation::stranger, {}};
  const std::string_view bare = bareOf(jid);
  if (bare == owner.bareView()) {
    requester.relation = Relation::owner;
    return requester;
  }
  auto item = server.storage().roster().item(owner.node(), owner.domain(), bare);
  if (item && item->has_value()) applyRosterItem(requester, &**item);
  return requester;
}

void Delivery::send(const xmpp::Jid& owner, std::string_view to, const xml::Element& event) {
  xml::Element message("message", std::string(xmpp::ns::client));
  message.setAttr("type", "headline").setAttr("from", owner.bareView()).setAttr("to", to);
  message.addChild(event.clone());
  server_.route(std::move(message));
}

void Delivery::sendOnce(const xmpp::Jid& owner, std::string_view to, const xml::Element& event,
                        Notified& notified) {
  if (!notified.jids.emplace(to).second) return;
  if (to.find('/') != std::string_view::npos) notified.bares.emplace(bareOf(to));
  send(owner, to, event);
}

void Delivery::notify(const xmpp::Jid& owner, const Notification& notification) {
  Notified notified;
  for (server::ClientSession* s : server_.sessions().availableResources(owner.bareView())) {
    if (caps_.wants(s->jid().full(), notification.node)) {
      sendOnce(owner, s->jid().full(), notification.event, notified);
    }
  }

  std::vector<storage::PepSubscription> current;
  const std::vector<storage::PepSubscription>* subscriptions = &current;
  if (notification.formerSubscriptions) {
    subscriptions = &*notification.formerSubscriptions;
  } else if (auto read = server_.storage().pep().subscriptions(owner.node(), owner.domain(),
                                                               notification.node)) {
    current = std::move(*read);
  }
  const bool contacts = notification.config.accessModel != AccessModel::whitelist;
  if (!contacts && subscriptions->empty()) return;

  auto roster = server_.storage().roster().get(owner.node(), owner.domain());
  if (roster && contacts) notifyContacts(owner, notification, *roster, notified);
  notifySubscribers(owner, notification, *subscriptions, roster ? &*roster : nullptr, notified);
}

void Delivery::notifyContacts(const xmpp::Jid& owner, const Notification& notification,
                              const storage::Roster& roster, Notified& notified) {
  const std::string_view node = notification.node;
  auto& sessions = server_.sessions();
  std::unordered_set<std::string_view> remoteSubscribers;
  for (const auto& item : roster.items) {
    if (!hasFrom(item.subscription)) continue;
    Requester contact{item.jid, Relation::stranger, {}};
    applyRosterItem(contact, &item);
    if (!mayRetrieve(notification.config, contact)) continue;
    if (!server_.isLocalDomain(domainOf(item.jid))) {
      remoteSubscribers.insert(item.jid);
      continue;
    }
    for (server::ClientSession* s : sessions.availableResources(item.jid)) {
      if (caps_.wants(s->jid().full(), node)) {
        sendOnce(owner, s->jid().full(), notification.event, notified);
      }
    }
  }
  book_.forEach(owner.bareView(), [&](std::string_view jid) {
    if (remoteSubscribers.contains(bareOf(jid)) && caps_.wants(jid, node)) {
      sendOnce(owner, jid, notification.event, notified);
    }
  });
}

void Delivery::notifySubscribers(const xmpp::Jid& owner, const Notification& notification,
                                 const std::vector<storage::PepSubscription>& subscriptions,
                                 const storage::Roster* roster, Notified& notified) {
  auto& sessions = server_.sessions();
  std::vector<std::string_view> bareSubscribers;
  for (const auto& subscription : subscriptions) {
    const std::string& jid = subscription.jid;
    const std::string_view bare = bareOf(jid);
    Requester subscriber{jid, Relation::stranger, {}};
    if (bare == owner.bareView()) {
      subscriber.relation = Relation::owner;
    } else if (roster != nullptr) {
      applyRosterItem(subscriber, findItem(*roster, bare));
    } else if (notification.config.accessModel != AccessModel::open) {
      continue;  // the roster could not be read: tell nobody it might exclude
    }
    if (!mayRetrieve(notification.config, subscriber)) {
      // Lost access (left the roster or its groups, or the model changed):
      // the subscription ends; a deleted node's went with it already.
      if (!notification.formerSubscriptions) {
        (void)server_.storage().pep().unsubscribe(owner.node(), owner.domain(), notification.node,
                                                  jid);
      }
      continue;
    }
    if (jid.size() == bare.size()) {
      bareSubscribers.push_back(bare);
      continue;
    }
    // A full JID; a local one only while that resource is available (the
    // router would otherwise hand it to the account's other resources).
    bool reachable = !server_.isLocalDomain(domainOf(bare));
    for (server::ClientSession* s : sessions.availableResources(bare)) {
      reachable = reachable || s->jid().full() == jid;
    }
    if (reachable) sendOnce(owner, jid, notification.event, notified);
  }
  // Bare JIDs after the full ones, so that a remote bare JID whose server
  // would fan the event out to a resource already told is left out.
  for (std::string_view bare : bareSubscribers) {
    if (server_.isLocalDomain(domainOf(bare))) {
      for (server::ClientSession* s : sessions.availableResources(bare)) {
        sendOnce(owner, s->jid().full(), notification.event, notified);
      }
    } else if (!notified.bares.contains(std::string(bare))) {
      sendOnce(owner, bare, notification.event, notified);
    }
  }
}

void Delivery::sendLastItems(const xmpp::Jid& owner, std::string_view jid) {
  const Requester requester = requesterOf(server_, owner, jid);
  if (requester.relation == Relation::stranger) return;
  auto last = service_.lastItems(owner, requester,
                                 [&](std::string_view node) { return caps_.wants(jid, node); });
  for (const auto& item : last) send(owner, jid, item.event);
}

void Delivery::sendLastItemsToLocal(const server::ClientSession& session) {
  const std::string& jid = session.jid().full();
  sendLastItems(session.jid().bare(), jid);
  auto roster = server_.storage().roster().get(session.user(), session.host());
  if (!roster) return;
  for (const auto& item : roster->items) {
    // 'to': the contact has this account as 'from', it shares its presence.
    if (!hasTo(item.subscription) || !server_.isLocalDomain(domainOf(item.jid))) continue;
    auto owner = xmpp::Jid::parse(item.jid);
    if (owner) sendLastItems(*owner, jid);
  }
}

}  // namespace keyfed::modules::pep
