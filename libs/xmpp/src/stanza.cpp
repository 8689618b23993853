#include "keyfed/xmpp/stanza.hpp"

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::xmpp {

namespace {

// A reply skeleton: same name, namespace and id, addresses swapped.
xml::Element replyTo(const xml::Element& stanza, std::string_view type) {
  xml::Element reply(stanza.name(), stanza.ns());
  if (const std::string* from = stanza.findAttr("from")) reply.setAttr("to", *from);
  if (const std::string* to = stanza.findAttr("to")) reply.setAttr("from", *to);
  reply.setAttr("type", type);
  if (const std::string* id = stanza.findAttr("id")) reply.setAttr("id", *id);
  return reply;
}

}  // namespace

bool isStanzaNamespace(std::string_view n) {
  return n == ns::client || n == ns::server || n == ns::component;
}

StanzaKind stanzaKind(const xml::Element& element) {
  if (!isStanzaNamespace(element.ns())) return StanzaKind::other;
  const std::string& name = element.name();
  if (name == "message") return StanzaKind::message;
  if (name == "presence") return StanzaKind::presence;
  if (name == "iq") return StanzaKind::iq;
  return StanzaKind::other;
}

bool isIqRequest(const xml::Element& stanza) {
  if (stanzaKind(stanza) != StanzaKind::iq) return false;
  std::string_view type = stanzaType(stanza);
  return type == "get" || type == "set";
}

const xml::Element* iqPayload(const xml::Element& iq) {
  return iq.child("", "");
}

bool canReplyWithError(const xml::Element& stanza) {
  return stanzaType(stanza) != "error";
}

xml::Element makeErrorReply(const xml::Element& stanza, const StanzaError& error) {
  xml::Element reply = replyTo(stanza, "error");
  // RFC 6120 8.3.1: the original attributes other than the addressing ones
  // (e.g. xml:lang) and the original children are kept.
  for (const xml::Attribute& a : stanza.attributes()) {
    if (a.name != "to" && a.name != "from" && a.name != "type" && a.name != "id") {
      reply.setAttr(a.name, a.value);
    }
  }
  for (const xml::Node& n : stanza.nodes()) {
    // An earlier <error/> in the original would make two; drop it.
    if (const xml::Element* e = n.asElement(); e != nullptr && e->is("error", stanza.ns()))
      continue;
    reply.nodes().push_back(n);
  }
  reply.addChild(makeErrorElement(error, stanza.ns()));
  return reply;
}

xml::Element makeIqResult(const xml::Element& request) {
  return replyTo(request, "result");
}

xml::Element makeIqResult(const xml::Element& request, xml::Element payload) {
  xml::Element reply = replyTo(request, "result");
  reply.addChild(std::move(payload));
  return reply;
}

xml::Element makeIqError(const xml::Element& request, const StanzaError& error) {
  xml::Element reply = replyTo(request, "error");
  reply.addChild(makeErrorElement(error, request.ns()));
  return reply;
}

}  // namespace keyfed::xmpp
