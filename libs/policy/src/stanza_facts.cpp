#include "keyfed/policy/stanza_facts.hpp"

#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::policy {
namespace {

std::string_view bareOf(std::string_view jid) {
  return jid.substr(0, jid.find('/'));
}

std::string_view domainOf(std::string_view jid) {
  jid = bareOf(jid);
  const auto at = jid.find('@');
  return at == std::string_view::npos ? jid : jid.substr(at + 1);
}

std::string_view kindName(xmpp::StanzaKind kind) {
  switch (kind) {
    case xmpp::StanzaKind::message: return "message";
    case xmpp::StanzaKind::presence: return "presence";
    case xmpp::StanzaKind::iq: return "iq";
    case xmpp::StanzaKind::other: break;
  }
  return "other";
}

}  // namespace

std::string_view StanzaFacts::fromBare() const {
  return bareOf(from);
}

std::string_view StanzaFacts::toBare() const {
  return bareOf(to);
}

StanzaFacts stanzaFactsOf(const xml::Element& stanza, Direction direction,
                          std::string_view peerAddress, base::SystemTime now) {
  StanzaFacts f;
  f.direction = direction;
  f.from = std::string(xmpp::stanzaFrom(stanza));
  f.to = std::string(xmpp::stanzaTo(stanza));
  const bool inbound = direction == Direction::inbound;
  f.localDomain = std::string(domainOf(inbound ? f.to : f.from));
  f.peerDomain = std::string(domainOf(inbound ? f.from : f.to));
  f.peerAddress = std::string(peerAddress);
  const auto kind = xmpp::stanzaKind(stanza);
  f.kind = std::string(kindName(kind));
  f.type = std::string(xmpp::stanzaType(stanza));
  if (kind == xmpp::StanzaKind::iq) {
    if (const xml::Element* payload = xmpp::iqPayload(stanza)) f.payloadNs = payload->ns();
  }
  if (kind == xmpp::StanzaKind::message) {
    if (const xml::Element* body = stanza.child("body", stanza.ns())) f.body = body->text();
  }
  f.now = now;
  return f;
}

void applyBody(xml::Element& stanza, const Decision& decision) {
  if (!decision.body) return;
  for (xml::Element& body : stanza.children("body", stanza.ns())) {
    body.clearChildren();
    body.addText(*decision.body);
  }
}

}  // namespace keyfed::policy
