#pragma once
// What the server knows about a stanza crossing a server-to-server stream when
// it asks the policy point (PolicyPoint::decideStanza). s2s builds these for
// every inbound stanza, the stanza-policy module (components/agent) for every
// outbound one; both with stanzaFactsOf() so the two directions agree.

#include <optional>
#include <string>
#include <string_view>

#include "keyfed/base/clock.hpp"
#include "keyfed/policy/decision.hpp"
#include "keyfed/policy/facts.hpp"

namespace keyfed::xml {
class Element;
}

namespace keyfed::policy {

struct StanzaFacts {
  // inbound: received from the peer; outbound: about to be sent to it.
  Direction direction = Direction::inbound;
  std::string localDomain;  // our side: 'to' domain inbound, 'from' domain outbound
  std::string peerDomain;   // the other server: 'from' domain inbound, 'to' domain outbound
  std::string peerAddress;  // the stream's remote IP address; "" when not known yet
  std::string kind;         // "message", "presence" or "iq"
  std::string type;         // the 'type' attribute, "" when absent
  std::string from;         // prepared JIDs as on the stanza
  std::string to;
  std::string payloadNs;            // an iq's child element's namespace, else ""
  std::optional<std::string> body;  // a message's <body/> text, when it has one
  base::SystemTime now{};

  // Bare forms of from and to ("user@domain" or "domain").
  [[nodiscard]] std::string_view fromBare() const;
  [[nodiscard]] std::string_view toBare() const;
};

// Facts about `stanza` (whose 'from' and 'to' are already checked JIDs) in
// `direction`. `peerAddress` may be empty.
StanzaFacts stanzaFactsOf(const xml::Element& stanza, Direction direction,
                          std::string_view peerAddress, base::SystemTime now);

// Applies a content filter's mask: replaces the text of the stanza's <body/>
// elements with decision.body. Does nothing when there is no mask.
void applyBody(xml::Element& stanza, const Decision& decision);

}  // namespace keyfed::policy
