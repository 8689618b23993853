#pragma once
// The one exception to "closed by default": the FAC agent must be reachable by
// a peer that is not (yet) allowed to federate, or it could never ask to be
// (docs/fac-protocol.md, "Reaching the agent"). Only iq exchanges between the
// two servers' agent JIDs (<domain>/fac) in the agent's namespace qualify:
//
//   inbound  iq get/set   to <local>/fac with a payload in urn:keyfed:fac:0
//   inbound  iq result/error   from <peer>/fac to <local>/fac (answers to our agent)
//   outbound iq result/error   from <local>/fac (our agent's answers)
//   outbound iq get/set   from <local>/fac to <peer>/fac in urn:keyfed:fac:0
//
// PolicyPoint::decideStanza allows these before asking any decider. s2s keeps
// a stream the stream decision refuses open for them only when the peer's
// identity is at least dialback-verified (TrustLevel::verified).

#include <string>
#include <string_view>

#include "keyfed/policy/decision.hpp"
#include "keyfed/policy/facts.hpp"
#include "keyfed/policy/stanza_facts.hpp"

namespace keyfed::policy {

inline constexpr std::string_view kFacNamespace = "urn:keyfed:fac:0";
inline constexpr std::string_view kFacResource = "fac";

// "<domain>/fac".
std::string agentJid(std::string_view domain);
bool isAgentExchange(const StanzaFacts& facts);

// Whether a pair the stream decision `refusal` refused may still carry agent
// exchanges (s2s's agent-only state): the peer's identity reaches at least
// TrustLevel::verified, and the refusal is not the static deny list or a
// denied network (decider "static"), which keep a peer out altogether. s2s
// also requires PolicyPoint::agentReachable(): without an agent the state
// would serve nothing.
bool mayReachAgent(const PeerFacts& facts, const Decision& refusal);

}  // namespace keyfed::policy
