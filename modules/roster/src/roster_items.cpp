#include "roster_items.hpp"

#include <string>

#include "keyfed/xmpp/namespaces.hpp"
#include "subscription_state.hpp"

namespace keyfed::modules::roster {
namespace {

// Push ids only need to be unique per stream; one counter serves all (the
// server runs on one thread).
std::string nextPushId() {
  static std::uint64_t counter = 0;
  return "push-" + std::to_string(++counter);
}

}  // namespace

xml::Element itemElement(const storage::RosterItem& item) {
  xml::Element el("item", std::string(xmpp::ns::roster));
  el.setAttr("jid", item.jid);
  if (!item.name.empty()) el.setAttr("name", item.name);
  el.setAttr("subscription", storage::toString(item.subscription));
  if (item.askOut) el.setAttr("ask", "subscribe");
  // RFC 6121 3.4: shown only while it means something (no 'from' yet).
  if (item.approved && !hasFrom(item.subscription)) el.setAttr("approved", "true");
  for (const auto& group : item.groups) {
    el.addChild("group", std::string(xmpp::ns::roster)).addText(group);
  }
  return el;
}

xml::Element removedItemElement(std::string_view jid) {
  xml::Element el("item", std::string(xmpp::ns::roster));
  el.setAttr("jid", jid);
  el.setAttr("subscription", "remove");
  return el;
}

void pushTo(server::ClientSession& session, const xml::Element& item, std::uint64_t version) {
  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", "set");
  iq.setAttr("id", nextPushId());
  iq.setAttr("to", session.jid().full());
  auto& query = iq.addChild("query", std::string(xmpp::ns::roster));
  query.setAttr("ver", std::to_string(version));
  query.addChild(item);
  session.send(iq);
}

void pushToInterested(server::Server& server, const Account& account, const xml::Element& item,
                      std::uint64_t version) {
  for (server::ClientSession* s : server.sessions().resources(account.bare())) {
    if (s->presence.interested) pushTo(*s, item, version);
  }
}

base::Result<std::optional<storage::RosterItem>> loadItem(server::Server& server,
                                                          const Account& account,
                                                          std::string_view jid) {
  return server.storage().roster().item(account.user, account.host, jid);
}

base::Result<void> saveItem(server::Server& server, const Account& account,
                            const storage::RosterItem& item, bool existed) {
  auto& store = server.storage().roster();
  if (!item.listed && hasNoState(item)) {
    if (!existed) return {};
    auto removed = store.remove(account.user, account.host, item.jid);
    if (!removed && removed.error().code != storage::errc::kNotFound)
      return base::fail(removed.error());
    return {};
  }
  auto version = store.upsert(account.user, account.host, item);
  if (!version) return base::fail(version.error());
  if (item.listed) pushToInterested(server, account, itemElement(item), *version);
  return {};
}

}  // namespace keyfed::modules::roster
