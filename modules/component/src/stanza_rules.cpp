#include "stanza_rules.hpp"

#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::component {
namespace {

namespace ns = xmpp::ns;

// The stanza and its children that inherit the stream's namespace (<body/>).
void toServerNamespace(xml::Element& element) {
  if (element.ns() == ns::component) element.setNs(std::string(ns::server));
  for (auto& node : element.nodes()) {
    if (auto* child = node.asElement()) toServerNamespace(*child);
  }
}

}  // namespace

Inbound checkFromComponent(xml::Element& stanza, std::string_view domain) {
  Inbound out;
  const std::string* from = stanza.findAttr("from");
  if (from == nullptr || from->empty()) {
    stanza.setAttr("from", std::string(domain));
  } else {
    auto parsed = xmpp::Jid::parse(*from);
    if (!parsed || parsed->domain() != domain) {
      out.verdict = Inbound::Verdict::invalidFrom;
      return out;
    }
    if (parsed->full() != *from) stanza.setAttr("from", parsed->full());
  }
  const std::string* to = stanza.findAttr("to");
  if (to == nullptr || to->empty()) {
    out.verdict = Inbound::Verdict::replyError;
    out.error = xmpp::StanzaErrorCondition::badRequest;
    return out;
  }
  auto parsed = xmpp::Jid::parse(*to);
  if (!parsed) {
    out.verdict = Inbound::Verdict::replyError;
    out.error = xmpp::StanzaErrorCondition::jidMalformed;
    return out;
  }
  if (parsed->full() != *to) stanza.setAttr("to", parsed->full());
  out.to = std::move(*parsed);
  toServerNamespace(stanza);
  return out;
}

bool bounceWhileDisconnected(const xml::Element& stanza) {
  switch (xmpp::stanzaKind(stanza)) {
    case xmpp::StanzaKind::message: return xmpp::stanzaType(stanza) != "error";
    case xmpp::StanzaKind::iq: return xmpp::isIqRequest(stanza);
    case xmpp::StanzaKind::presence:
    case xmpp::StanzaKind::other: break;
  }
  return false;
}

}  // namespace keyfed::modules::component
