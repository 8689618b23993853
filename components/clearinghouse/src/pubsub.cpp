// The XEP-0060 subset of the table node: builders and readers.

#include "keyfed/clearinghouse/pubsub.hpp"

#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::clearinghouse {
namespace {

xml::Element iq(std::string_view type, std::string_view from, std::string_view to,
                std::string_view id) {
  xml::Element e("iq", std::string(xmpp::ns::client));
  e.setAttr("type", type).setAttr("id", id).setAttr("from", from).setAttr("to", to);
  return e;
}

xml::Element itemsOf(std::int64_t version, std::string_view document, std::string_view ns) {
  xml::Element items("items", std::string(ns));
  items.setAttr("node", kNode);
  auto& item = items.addChild("item", std::string(ns));
  item.setAttr("id", std::to_string(version));
  item.addChild("table", std::string(kTableNs)).addText(document);
  return items;
}

}  // namespace

PubsubRequest readRequest(const xml::Element& stanza) {
  PubsubRequest r;
  const xml::Element* pubsub = xmpp::iqPayload(stanza);
  if (pubsub == nullptr || !pubsub->is("pubsub", kPubsubNs) || pubsub->childCount() != 1) {
    return r;
  }
  const xml::Element& op = *pubsub->children().begin();
  if (op.ns() != kPubsubNs) return r;
  r.node = std::string(op.attr("node"));
  r.jid = std::string(op.attr("jid"));
  const auto type = xmpp::stanzaType(stanza);
  if (type == "set" && op.name() == "subscribe") r.kind = PubsubRequest::Kind::subscribe;
  if (type == "set" && op.name() == "unsubscribe") r.kind = PubsubRequest::Kind::unsubscribe;
  if (type == "get" && op.name() == "items") r.kind = PubsubRequest::Kind::items;
  return r;
}

xml::Element makeSubscribe(std::string_view from, std::string_view to, std::string_view id) {
  xml::Element e = iq("set", from, to, id);
  e.addChild("pubsub", std::string(kPubsubNs))
      .addChild("subscribe", std::string(kPubsubNs))
      .setAttr("node", kNode)
      .setAttr("jid", from);
  return e;
}

xml::Element makeItemsRequest(std::string_view from, std::string_view to, std::string_view id) {
  xml::Element e = iq("get", from, to, id);
  e.addChild("pubsub", std::string(kPubsubNs))
      .addChild("items", std::string(kPubsubNs))
      .setAttr("node", kNode)
      .setAttr("max_items", "1");
  return e;
}

xml::Element makeSubscribed(const xml::Element& request, std::string_view jid) {
  xml::Element pubsub("pubsub", std::string(kPubsubNs));
  pubsub.addChild("subscription", std::string(kPubsubNs))
      .setAttr("node", kNode)
      .setAttr("jid", jid)
      .setAttr("subscription", "subscribed");
  return xmpp::makeIqResult(request, std::move(pubsub));
}

xml::Element makeItemsResult(const xml::Element& request, std::int64_t version,
                             std::string_view document) {
  xml::Element pubsub("pubsub", std::string(kPubsubNs));
  if (version > 0) {
    pubsub.addChild(itemsOf(version, document, kPubsubNs));
  } else {
    pubsub.addChild("items", std::string(kPubsubNs)).setAttr("node", kNode);
  }
  return xmpp::makeIqResult(request, std::move(pubsub));
}

xml::Element makeNotification(std::string_view from, std::string_view to, std::int64_t version,
                              std::string_view document) {
  xml::Element message("message", std::string(xmpp::ns::client));
  message.setAttr("type", "headline").setAttr("from", from).setAttr("to", to);
  message.addChild("event", std::string(kPubsubEventNs))
      .addChild(itemsOf(version, document, kPubsubEventNs));
  return message;
}

xml::Element makeRefusal(const xml::Element& request, std::string_view condition,
                         std::string_view pubsubError, std::string_view text) {
  xmpp::StanzaError error;
  error.condition =
      xmpp::parseStanzaErrorCondition(condition).value_or(xmpp::StanzaErrorCondition::notAllowed);
  error.text = std::string(text);
  if (!pubsubError.empty()) {
    error.applicationCondition =
        xml::Element(std::string(pubsubError), std::string(kPubsubErrorsNs));
  }
  return xmpp::makeIqError(request, error);
}

std::optional<std::string> itemDocument(const xml::Element& stanza) {
  const xml::Element* items = nullptr;
  if (stanza.name() == "message") {
    const xml::Element* event = stanza.child("event", kPubsubEventNs);
    if (event != nullptr) items = event->child("items", kPubsubEventNs);
  } else if (stanza.name() == "iq") {
    const xml::Element* pubsub = stanza.child("pubsub", kPubsubNs);
    if (pubsub != nullptr) items = pubsub->child("items", kPubsubNs);
  }
  if (items == nullptr || items->attr("node") != kNode) return std::nullopt;
  const xml::Element* item = items->child("item", items->ns());
  if (item == nullptr) return std::nullopt;
  const xml::Element* table = item->child("table", kTableNs);
  if (table == nullptr) return std::nullopt;
  return table->text();
}

}  // namespace keyfed::clearinghouse
