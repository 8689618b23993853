#include "delivery.hpp"

#include <unordered_set>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::pep {
namespace {

bool hasFrom(storage::Subscription s) {
  return s == storage::Subscription::from || s == storage::Subscription::both;
}

bool hasTo(storage::Subscription s) {
  return s == storage::Subscription::to || s == storage::Subscription::both;
}

std::string_view bareOf(std::string_view jid) {
  return jid.substr(0, jid.find('/'));
}

std::string_view domainOf(std::string_view bare) {
  const auto at = bare.find('@');
  return at == std::string_view::npos ? bare : bare.substr(at + 1);
}

}  // namespace

Relation relationOf(server::Server& server, const xmpp::Jid& owner, std::string_view requester) {
  const std::string_view bare = bareOf(requester);
  if (bare == owner.bareView()) return Relation::owner;
  auto item = server.storage().roster().item(owner.node(), owner.domain(), bare);
  if (!item || !item->has_value()) return Relation::stranger;
  return hasFrom((*item)->subscription) ? Relation::subscriber : Relation::stranger;
}

void Delivery::send(const xmpp::Jid& owner, std::string_view to, const xml::Element& event) {
  xml::Element message("message", std::string(xmpp::ns::client));
  message.setAttr("type", "headline").setAttr("from", owner.bareView()).setAttr("to", to);
  message.addChild(event.clone());
  server_.route(std::move(message));
}

void Delivery::notify(const xmpp::Jid& owner, const Notification& notification) {
  const std::string_view node = notification.node;
  auto& sessions = server_.sessions();
  for (server::ClientSession* s : sessions.availableResources(owner.bareView())) {
    if (caps_.wants(s->jid().full(), node)) send(owner, s->jid().full(), notification.event);
  }
  if (notification.config.accessModel == AccessModel::whitelist) return;

  auto roster = server_.storage().roster().get(owner.node(), owner.domain());
  if (!roster) return;
  std::unordered_set<std::string_view> remoteSubscribers;
  for (const auto& item : roster->items) {
    if (!hasFrom(item.subscription)) continue;
    if (!server_.isLocalDomain(domainOf(item.jid))) {
      remoteSubscribers.insert(item.jid);
      continue;
    }
    for (server::ClientSession* s : sessions.availableResources(item.jid)) {
      if (caps_.wants(s->jid().full(), node)) send(owner, s->jid().full(), notification.event);
    }
  }
  book_.forEach(owner.bareView(), [&](std::string_view jid) {
    if (remoteSubscribers.contains(bareOf(jid)) && caps_.wants(jid, node)) {
      send(owner, jid, notification.event);
    }
  });
}

void Delivery::sendLastItems(const xmpp::Jid& owner, std::string_view jid) {
  const Relation relation = relationOf(server_, owner, jid);
  if (relation == Relation::stranger) return;
  auto last = service_.lastItems(owner, relation,
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
