#include "keyfed/policy/fac_gate.hpp"

namespace keyfed::policy {

std::string agentJid(std::string_view domain) {
  std::string jid(domain);
  jid += '/';
  jid += kFacResource;
  return jid;
}

bool isAgentExchange(const StanzaFacts& facts) {
  if (facts.kind != "iq") return false;
  const bool request = facts.type == "get" || facts.type == "set";
  const bool answer = facts.type == "result" || facts.type == "error";
  if (!request && !answer) return false;
  const std::string localAgent = agentJid(facts.localDomain);
  const std::string peerAgent = agentJid(facts.peerDomain);
  if (facts.direction == Direction::inbound) {
    if (facts.to != localAgent) return false;
    return request ? facts.payloadNs == kFacNamespace : facts.from == peerAgent;
  }
  if (facts.from != localAgent) return false;
  return answer || (facts.to == peerAgent && facts.payloadNs == kFacNamespace);
}

bool mayReachAgent(const PeerFacts& facts, const Decision& refusal) {
  if (refusal.allowed()) return false;
  return facts.level() >= TrustLevel::verified && refusal.decider != "static";
}

}  // namespace keyfed::policy
