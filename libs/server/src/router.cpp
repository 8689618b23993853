// How a stanza travels (docs/modules.md): stamp 'from', fire the pre- events,
// decide local or remote, fire the delivery events, and apply the RFC 6121
// section 8 defaults when no module handled the stanza.
#include <string>

#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::server {
namespace {

using xmpp::StanzaErrorCondition;
using xmpp::StanzaKind;

std::string_view kindName(StanzaKind kind) {
  switch (kind) {
    case StanzaKind::message: return "message";
    case StanzaKind::presence: return "presence";
    case StanzaKind::iq: return "iq";
    case StanzaKind::other: break;
  }
  return "other";
}

// Concatenates the parts of an event name ("iq-get" "/" "host" "/" ns).
template <class... Parts>
std::string eventName(const Parts&... parts) {
  std::string name;
  name.reserve((std::string_view(parts).size() + ...));
  (name.append(parts), ...);
  return name;
}

std::string_view addressType(const xmpp::Jid& to) {
  if (to.isDomain()) return "host";
  return to.hasResource() ? "full" : "bare";
}

bool isSubscriptionType(std::string_view type) {
  return type == "subscribe" || type == "subscribed" || type == "unsubscribe" ||
         type == "unsubscribed";
}

}  // namespace

void Server::processFromClient(ClientSession& client, xml::Element&& stanza) {
  const StanzaKind kind = xmpp::stanzaKind(stanza);
  if (kind == StanzaKind::other || !client.bound()) return;
  stanza.setAttr("from", client.jid().full());

  xmpp::Jid to;
  std::string_view toType;
  const std::string* toAttr = stanza.findAttr("to");
  if (toAttr == nullptr || toAttr->empty()) {
    stanza.removeAttr("to");
    toType = "self";
    to = client.jid().bare();
  } else {
    auto parsed = xmpp::Jid::parse(*toAttr);
    if (!parsed) {
      bounce(stanza, StanzaErrorCondition::jidMalformed);
      return;
    }
    to = std::move(*parsed);
    if (to.full() != *toAttr) stanza.setAttr("to", to.full());
    toType = addressType(to);
    if (kind == StanzaKind::iq && toType == "bare" && to.bareView() == client.jid().bareView()) {
      toType = "self";
    }
  }

  StanzaEvent event{*this, stanza, &client, client.jid(), std::move(to)};
  if (hooks_.stanzas.fire(eventName("pre-", kindName(kind), "/", toType), event)) return;

  if (toType == "self") {
    if (kind == StanzaKind::presence) return;  // broadcast: the presence module's job
    if (kind == StanzaKind::message) stanza.setAttr("to", event.to.full());
  }
  if (routeToComponent(event)) return;
  if (!isLocalDomain(event.to.domain())) {
    if (!hooks_.stanzas.fire("route/remote", event)) {
      bounce(stanza, StanzaErrorCondition::remoteServerNotFound);
    }
    return;
  }
  routeLocal(event);
}

void Server::route(xml::Element&& stanza, Session* origin) {
  auto to = xmpp::Jid::parse(stanza.attr("to"));
  if (!to) {
    log_.debug("dropping a routed <{}/> without a valid 'to'", stanza.name());
    return;
  }
  xmpp::Jid from;
  if (auto parsed = xmpp::Jid::parse(stanza.attr("from"))) from = std::move(*parsed);
  StanzaEvent event{*this, stanza, origin, std::move(from), std::move(*to)};
  if (routeToComponent(event)) return;
  if (!isLocalDomain(event.to.domain())) {
    if (!hooks_.stanzas.fire("route/remote", event)) {
      bounce(stanza, StanzaErrorCondition::remoteServerNotFound);
    }
    return;
  }
  routeLocal(event);
}

bool Server::routeToComponent(StanzaEvent& event) {
  if (components_.empty()) return false;
  const Component* component = findComponent(event.to.domain());
  if (component == nullptr) return false;
  if (!hooks_.stanzas.fire(component->event, event)) {
    bounce(event.stanza, StanzaErrorCondition::serviceUnavailable);
  }
  return true;
}

void Server::routeLocal(StanzaEvent& event) {
  const StanzaKind kind = xmpp::stanzaKind(event.stanza);
  if (kind == StanzaKind::other) return;
  std::string_view toType = addressType(event.to);
  if (kind == StanzaKind::iq) {
    const ClientSession* client = event.client();
    if (toType == "bare" && client != nullptr && client->jid().bareView() == event.to.bareView()) {
      toType = "self";
    }
    routeLocalIq(event, toType);
    return;
  }
  if (hooks_.stanzas.fire(eventName(kindName(kind), "/", toType), event)) return;
  if (toType == "full") {
    deliverToFull(event);
  } else if (toType == "bare") {
    deliverToBare(event);
  } else if (kind == StanzaKind::message) {
    const auto type = xmpp::stanzaType(event.stanza);
    if (type.empty() || type == "normal" || type == "chat") {
      bounce(event.stanza, StanzaErrorCondition::serviceUnavailable);
    }
  }
}

bool Server::fireIqRequest(StanzaEvent& event, std::string_view toType) {
  const xml::Element* payload = xmpp::iqPayload(event.stanza);
  if (payload == nullptr || event.stanza.childCount() != 1) {
    bounce(event.stanza, StanzaErrorCondition::badRequest);
    return true;
  }
  const auto name =
      eventName("iq-", xmpp::stanzaType(event.stanza), "/", toType, "/", payload->ns());
  return hooks_.stanzas.fire(name, event);
}

void Server::routeLocalIq(StanzaEvent& event, std::string_view toType) {
  const bool request = xmpp::isIqRequest(event.stanza);
  if (request && fireIqRequest(event, toType)) return;
  if (hooks_.stanzas.fire(eventName("iq/", toType), event)) return;
  if (toType == "full") {
    deliverToFull(event);
  } else if (request) {
    bounce(event.stanza, StanzaErrorCondition::serviceUnavailable);
  }
}

void Server::deliverToBare(StanzaEvent& event) {
  const StanzaKind kind = xmpp::stanzaKind(event.stanza);
  const auto type = xmpp::stanzaType(event.stanza);
  const auto bare = event.to.bareView();
  if (kind == StanzaKind::presence) {
    // Available and unavailable presence goes to every available resource;
    // subscriptions and probes are the presence module's (dropped without it).
    if (!type.empty() && type != "unavailable") return;
    for (ClientSession* s : sessions_.availableResources(bare)) s->send(event.stanza);
    return;
  }
  if (kind == StanzaKind::iq) {
    if (xmpp::isIqRequest(event.stanza)) {
      bounce(event.stanza, StanzaErrorCondition::serviceUnavailable);
    }
    return;
  }
  // RFC 6121 8.5.2: messages.
  if (type == "error") return;
  if (type == "groupchat") {
    bounce(event.stanza, StanzaErrorCondition::serviceUnavailable);
    return;
  }
  if (type == "headline") {
    for (ClientSession* s : sessions_.availableResources(bare)) {
      if (s->presence.priority >= 0) s->send(event.stanza);
    }
    return;
  }
  auto targets = sessions_.messageTargets(bare);
  if (!targets.empty()) {
    for (ClientSession* s : targets) s->send(event.stanza);
    return;
  }
  if (sessions_.resources(bare).empty()) {
    auto exists = storage_.accounts().exists(event.to.node(), event.to.domain());
    if (!exists || !*exists) {
      bounce(event.stanza, StanzaErrorCondition::serviceUnavailable);
      return;
    }
  }
  if (hooks_.stanzas.fire("message/offline", event)) return;
  bounce(event.stanza, StanzaErrorCondition::serviceUnavailable);
}

void Server::deliverToFull(StanzaEvent& event) {
  const StanzaKind kind = xmpp::stanzaKind(event.stanza);
  const auto type = xmpp::stanzaType(event.stanza);
  ClientSession* target = sessions_.find(event.to);
  switch (kind) {
    case StanzaKind::message:
      if (target != nullptr) {
        target->send(event.stanza);
      } else if (type.empty() || type == "normal" || type == "chat") {
        event.to = event.to.bare();
        deliverToBare(event);  // RFC 6121 8.5.3.2.1
      } else if (type == "groupchat") {
        bounce(event.stanza, StanzaErrorCondition::serviceUnavailable);
      }
      return;
    case StanzaKind::presence:
      if (isSubscriptionType(type) || type == "probe") {
        // RFC 6121 8.5.3.2.3: handled as if addressed to the bare JID.
        event.to = event.to.bare();
        if (!hooks_.stanzas.fire("presence/bare", event)) deliverToBare(event);
      } else if (target != nullptr) {
        target->send(event.stanza);
      }
      return;
    case StanzaKind::iq:
      if (target != nullptr) {
        target->send(event.stanza);
      } else if (xmpp::isIqRequest(event.stanza)) {
        bounce(event.stanza, StanzaErrorCondition::serviceUnavailable);
      }
      return;
    case StanzaKind::other: return;
  }
}

void Server::bounce(const xml::Element& stanza, StanzaErrorCondition condition,
                    std::string_view text) {
  if (!xmpp::canReplyWithError(stanza) || stanza.attr("from").empty()) return;
  xmpp::StanzaError error;
  error.condition = condition;
  error.text = std::string(text);
  // An iq error need not echo the request's payload (RFC 6120 8.3.1).
  route(xmpp::stanzaKind(stanza) == StanzaKind::iq ? xmpp::makeIqError(stanza, error)
                                                   : xmpp::makeErrorReply(stanza, error),
        nullptr);
}

}  // namespace keyfed::server
