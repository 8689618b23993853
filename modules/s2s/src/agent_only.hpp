#pragma once
// The agent-only state of a domain pair (docs/federation.md, "Agent-only
// pairs"): the policy point refused the pair, but the peer's identity is at
// least dialback-verified (policy::mayReachAgent), so the stream stays open
// for FAC agent exchanges (policy::isAgentExchange) and nothing else, in
// both directions, until a grant admits the pair.
//
// The side that refuses tells the other with a marker child in its
// authentication answer (<db:result type='valid'/> or SASL <success/>):
//   <agent-only xmlns='urn:keyfed:fac:0'>the reason</agent-only>
// so that a keyfed peer bounces (or holds, in automatic mode) what would be
// refused anyway instead of sending it. When a grant later admits the pair,
// the refusing side sends a plain <db:result type='valid'/> for it, which
// lifts the state on the peer's side. Peers that ignore the marker have their
// stanzas bounced by the gate on arrival.

#include <optional>
#include <string>
#include <string_view>

#include "keyfed/base/clock.hpp"
#include "keyfed/policy/facts.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::s2s {

// The marker's reason is cut to this many bytes when read (it is only shown).
inline constexpr std::size_t kMaxAgentOnlyReason = 1024;

xml::Element agentOnlyMarker(std::string_view reason);
// The reason of a marker child of `answer`, when it carries one.
std::optional<std::string> agentOnlyMarkerOf(const xml::Element& answer);

// Whether `stanza` (addresses already checked) is a FAC agent exchange in
// `direction`: the only traffic an agent-only pair carries.
bool isAgentStanza(const xml::Element& stanza, policy::Direction direction,
                   std::string_view peerAddress, base::SystemTime now);

// The text of the policy-violation error for a stanza an agent-only pair
// does not carry.
std::string agentOnlyText(std::string_view peer, std::string_view reason);

}  // namespace keyfed::modules::s2s
