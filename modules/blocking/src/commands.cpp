// XEP-0191 sections 3.2-3.5: retrieve the blocklist, block, unblock, unblock all.
#include <algorithm>
#include <string>

#include "blocking_module.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::blocking {
namespace {

using xmpp::StanzaErrorCondition;
namespace ns = xmpp::ns;

void replyError(server::ClientSession& client, const xml::Element& request,
                StanzaErrorCondition condition, std::string_view text = {}) {
  xmpp::StanzaError error;
  error.condition = condition;
  error.text = std::string(text);
  client.send(xmpp::makeIqError(request, error));
}

xml::Element itemList(std::string_view name, const std::vector<std::string>& jids) {
  xml::Element list{std::string(name), std::string(ns::blocking)};
  for (const auto& jid : jids) list.addChild("item", std::string(ns::blocking)).setAttr("jid", jid);
  return list;
}

bool receivesPresence(storage::Subscription s) {
  return s == storage::Subscription::from || s == storage::Subscription::both;
}

}  // namespace

bool BlockingModule::handleGet(server::StanzaEvent& e) {
  server::ClientSession* client = e.client();
  if (client == nullptr) return false;
  if (xmpp::iqPayload(e.stanza)->name() != "blocklist") {
    replyError(*client, e.stanza, StanzaErrorCondition::badRequest);
    return true;
  }
  const Blocklist* list = cache_->find(client->user(), client->host());
  if (list == nullptr) {
    replyError(*client, e.stanza, StanzaErrorCondition::internalServerError);
    return true;
  }
  client->data<SessionState>(kSessionKey).requestedList = true;
  client->send(xmpp::makeIqResult(e.stanza, itemList("blocklist", list->sorted())));
  return true;
}

bool BlockingModule::handleSet(server::StanzaEvent& e) {
  server::ClientSession* client = e.client();
  if (client == nullptr) return false;
  const xml::Element& payload = *xmpp::iqPayload(e.stanza);
  const bool isBlock = payload.name() == "block";
  if (!isBlock && payload.name() != "unblock") {
    replyError(*client, e.stanza, StanzaErrorCondition::badRequest);
    return true;
  }
  std::vector<std::string> jids;
  for (const auto& item : payload.children("item", ns::blocking)) {
    auto jid = xmpp::Jid::parse(item.attr("jid"));
    if (!jid) {
      replyError(*client, e.stanza, StanzaErrorCondition::jidMalformed,
                 "not a JID: " + std::string(item.attr("jid").substr(0, 100)));
      return true;
    }
    jids.push_back(jid->full());
  }
  std::sort(jids.begin(), jids.end());
  jids.erase(std::unique(jids.begin(), jids.end()), jids.end());
  if (isBlock) {
    if (jids.empty()) {
      replyError(*client, e.stanza, StanzaErrorCondition::badRequest, "nothing to block");
      return true;
    }
    block(e, *client, std::move(jids));
  } else {
    unblock(e, *client, std::move(jids));
  }
  return true;
}

void BlockingModule::block(server::StanzaEvent& e, server::ClientSession& client,
                           std::vector<std::string> jids) {
  const Blocklist* cached = cache_->find(client.user(), client.host());
  if (cached == nullptr) {
    replyError(client, e.stanza, StanzaErrorCondition::internalServerError);
    return;
  }
  const Blocklist before = *cached;
  auto added = server_->storage().blocklist().add(client.user(), client.host(), jids);
  if (!added) {
    if (added.error().code == storage::errc::kQuota) {
      const auto limit = server_->storage().limits().blocklistPerUser;
      replyError(client, e.stanza, StanzaErrorCondition::policyViolation,
                 "a blocklist holds at most " + std::to_string(limit) + " JIDs");
    } else {
      log_.warn("blocking for {}: {}", client.jid().bareView(), added.error().describe());
      replyError(client, e.stanza,
                 added.error().code == storage::errc::kInvalid
                     ? StanzaErrorCondition::notAcceptable
                     : StanzaErrorCondition::internalServerError);
    }
    return;
  }
  Blocklist after = before;
  for (const auto& jid : jids) after.add(jid);
  // Before the cache learns the new list: the enforcement would drop these.
  sendPresenceOnChange(client, before, after, false);
  cache_->put(client.user(), client.host(), std::move(after));
  client.send(xmpp::makeIqResult(e.stanza));
  push(client, itemList("block", jids));
}

void BlockingModule::unblock(server::StanzaEvent& e, server::ClientSession& client,
                             std::vector<std::string> jids) {
  const Blocklist* cached = cache_->find(client.user(), client.host());
  if (cached == nullptr) {
    replyError(client, e.stanza, StanzaErrorCondition::internalServerError);
    return;
  }
  const Blocklist before = *cached;
  auto& store = server_->storage().blocklist();
  // An empty <unblock/> unblocks everybody (section 3.5).
  auto removed = jids.empty() ? store.clear(client.user(), client.host())
                              : store.remove(client.user(), client.host(), jids);
  if (!removed) {
    log_.warn("unblocking for {}: {}", client.jid().bareView(), removed.error().describe());
    replyError(client, e.stanza, StanzaErrorCondition::internalServerError);
    return;
  }
  Blocklist after = before;
  if (jids.empty()) after.clear();
  for (const auto& jid : jids) after.remove(jid);
  cache_->put(client.user(), client.host(), after);
  client.send(xmpp::makeIqResult(e.stanza));
  push(client, itemList("unblock", jids));
  sendPresenceOnChange(client, before, after, true);
}

void BlockingModule::push(const server::ClientSession& client, const xml::Element& payload) {
  // A copy: a send may end a session, which changes the registry's list.
  const auto resources = server_->sessions().resources(client.jid().bareView());
  for (server::ClientSession* s : resources) {
    const auto* state = s->findData<SessionState>(kSessionKey);
    if (state == nullptr || !state->requestedList) continue;
    xml::Element iq("iq", std::string(ns::client));
    iq.setAttr("type", "set");
    iq.setAttr("id", "block-push-" + std::to_string(++pushes_));
    iq.setAttr("to", s->jid().full());
    iq.addChild(payload);
    s->send(iq);
  }
}

void BlockingModule::sendPresenceOnChange(const server::ClientSession& client,
                                          const Blocklist& before, const Blocklist& after,
                                          bool available) {
  const auto resources = server_->sessions().availableResources(client.jid().bareView());
  if (resources.empty()) return;
  auto roster = server_->storage().roster().get(client.user(), client.host());
  if (!roster) {
    log_.warn("reading the roster of {}: {}", client.jid().bareView(), roster.error().describe());
    return;
  }
  for (const auto& item : roster->items) {
    if (!receivesPresence(item.subscription)) continue;
    auto contact = xmpp::Jid::parse(item.jid);
    if (!contact) continue;
    // Newly blocked (unavailable) or newly unblocked (current presence).
    const bool wasBlocked = before.blocks(*contact);
    const bool isBlocked = after.blocks(*contact);
    if (available ? !(wasBlocked && !isBlocked) : !(!wasBlocked && isBlocked)) continue;
    for (server::ClientSession* s : resources) {
      xml::Element presence("presence", std::string(ns::client));
      if (available) {
        if (!s->presence.last) continue;
        presence = *s->presence.last;
      } else {
        presence.setAttr("type", "unavailable");
      }
      presence.setAttr("from", s->jid().full());
      presence.setAttr("to", contact->full());
      server_->route(std::move(presence), nullptr);
    }
  }
}

}  // namespace keyfed::modules::blocking
