#include "agent_only.hpp"

#include "keyfed/policy/fac_gate.hpp"
#include "keyfed/policy/stanza_facts.hpp"

namespace keyfed::modules::s2s {

xml::Element agentOnlyMarker(std::string_view reason) {
  xml::Element marker("agent-only", std::string(policy::kFacNamespace));
  marker.addText(std::string(reason.substr(0, kMaxAgentOnlyReason)));
  return marker;
}

std::optional<std::string> agentOnlyMarkerOf(const xml::Element& answer) {
  const xml::Element* marker = answer.child("agent-only", policy::kFacNamespace);
  if (marker == nullptr) return std::nullopt;
  std::string reason = marker->text();
  if (reason.size() > kMaxAgentOnlyReason) reason.resize(kMaxAgentOnlyReason);
  if (reason.empty()) reason = "federation is refused; only the FAC agent is reachable";
  return reason;
}

bool isAgentStanza(const xml::Element& stanza, policy::Direction direction,
                   std::string_view peerAddress, base::SystemTime now) {
  return policy::isAgentExchange(policy::stanzaFactsOf(stanza, direction, peerAddress, now));
}

std::string agentOnlyText(std::string_view peer, std::string_view reason) {
  std::string text = "federation with ";
  text += peer;
  text += " is refused: ";
  text += reason;
  text += " (only the FAC agents may talk)";
  return text;
}

}  // namespace keyfed::modules::s2s
