#pragma once
// Small helpers over xml::Element for the three stanza kinds (RFC 6120 8).
// Stanzas stay plain elements: modules read and build them with these helpers
// instead of wrapping every stanza in a class.

#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"

#include <string>
#include <string_view>

namespace keyfed::xmpp {

enum class StanzaKind { message, presence, iq, other };

// message/presence/iq in jabber:client, jabber:server or jabber:component:accept;
// anything else (nonzas such as <starttls/>, elements of other namespaces) is other.
StanzaKind stanzaKind(const xml::Element& element);
bool isStanzaNamespace(std::string_view ns);

inline std::string_view stanzaType(const xml::Element& s) {
  return s.attr("type");
}
inline std::string_view stanzaId(const xml::Element& s) {
  return s.attr("id");
}
inline std::string_view stanzaFrom(const xml::Element& s) {
  return s.attr("from");
}
inline std::string_view stanzaTo(const xml::Element& s) {
  return s.attr("to");
}

// An <iq/> is a request when its type is get or set.
bool isIqRequest(const xml::Element& stanza);
// The single payload child of an iq (the first child element), or nullptr.
const xml::Element* iqPayload(const xml::Element& iq);

// RFC 6120 8.3.1: an error reply to `stanza` - same name, namespace and id,
// 'to' set to the original 'from' and 'from' to the original 'to' (each
// omitted when absent), type='error', the original children kept, and the
// <error/> element appended. Callers must not answer a stanza of type 'error'
// with an error (RFC 6120 8.3.1, rule 3): check canReplyWithError() first.
xml::Element makeErrorReply(const xml::Element& stanza, const StanzaError& error);
inline xml::Element makeErrorReply(const xml::Element& stanza, StanzaErrorCondition condition,
                                   std::string_view text = {}) {
  StanzaError e;
  e.condition = condition;
  e.text = std::string(text);
  return makeErrorReply(stanza, e);
}
bool canReplyWithError(const xml::Element& stanza);

// <iq type='result' id=... to=from from=to/>, optionally with a payload child.
xml::Element makeIqResult(const xml::Element& request);
xml::Element makeIqResult(const xml::Element& request, xml::Element payload);
// An error reply to an iq request; the RFC allows omitting the original
// payload in iq errors, which this does (only <error/> is included).
xml::Element makeIqError(const xml::Element& request, const StanzaError& error);

}  // namespace keyfed::xmpp
