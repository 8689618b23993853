#pragma once
// What happens to a stanza on its way from or to an external component
// (docs/components.md, "Routing"): pure decisions, no I/O, so each rule is
// tested on its own.

#include <optional>
#include <string_view>

#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::modules::component {

// A stanza the component sent, after checkFromComponent().
struct Inbound {
  enum class Verdict {
    route,        // 'from' and 'to' are fine: route it (to: the parsed 'to')
    invalidFrom,  // 'from' is malformed or outside the component's domain: end the stream
    replyError,   // answer the component with `error` (unless the stanza is an error)
  };
  Verdict verdict = Verdict::route;
  xmpp::Jid to;
  xmpp::StanzaErrorCondition error = xmpp::StanzaErrorCondition::badRequest;
};

// XEP-0114 lets a component use any JID at its domain: 'from' must be the
// domain itself or a JID at it (user@domain, user@domain/resource), never a
// subdomain or another domain. An absent 'from' is stamped with the domain
// (as Prosody does). 'to' is required. On `route` the stanza is rewritten from
// jabber:component:accept to jabber:server, as a stanza from another server.
Inbound checkFromComponent(xml::Element& stanza, std::string_view domain);

// A stanza for a component that is not connected: true when the sender must
// get service-unavailable (messages and iq requests), false when it is
// dropped (presence, iq results, errors: nobody waits for an answer to them).
bool bounceWhileDisconnected(const xml::Element& stanza);

}  // namespace keyfed::modules::component
