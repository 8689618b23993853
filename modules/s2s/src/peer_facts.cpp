#include "peer_facts.hpp"

namespace keyfed::modules::s2s {

policy::PeerFacts makeFacts(const S2sConfig& config, std::string localDomain,
                            std::string peerDomain, std::string address,
                            policy::Direction direction, const Evidence& evidence,
                            std::chrono::system_clock::time_point now) {
  policy::PeerFacts facts;
  facts.localDomain = std::move(localDomain);
  facts.peerDomain = std::move(peerDomain);
  facts.address = std::move(address);
  facts.direction = direction;
  facts.tls = evidence.tls;
  facts.dialbackVerified = evidence.dialback;
  facts.saslExternal = evidence.saslExternal;
  const auto& c = evidence.certificate;
  facts.certificate.presented = c.presented;
  facts.certificate.chainValid = c.chainValid;
  facts.certificate.matchesDomain = c.matchesDomain;
  facts.certificate.expired = c.expired;
  facts.certificate.spkiSha256 = c.spkiSha256;
  facts.certificate.problem = c.problem;
  facts.pinMatched = evidence.tls && c.presented && config.pinned(facts.peerDomain, c.spkiSha256);
  facts.now = now;
  return facts;
}

std::string describe(const policy::PeerFacts& facts) {
  std::string out = "level=" + std::string(policy::toString(facts.level()));
  out += facts.tls ? " tls" : " no-tls";
  const auto& c = facts.certificate;
  if (!c.presented) {
    out += " certificate=none";
  } else if (c.chainValid && c.matchesDomain && !c.expired) {
    out += " certificate=valid";
  } else {
    out += " certificate=invalid(" + (c.problem.empty() ? std::string("?") : c.problem) + ")";
  }
  if (facts.pinMatched) out += " pin=matched";
  if (facts.direction == policy::Direction::inbound) {
    if (facts.saslExternal) out += " sasl-external";
    if (facts.dialbackVerified) out += " dialback";
  } else if (facts.dialbackVerified) {
    // Outbound: we reached the peer at its DNS (or static) address and it
    // accepted our authentication (dialback's assurance about who it is).
    out += facts.saslExternal ? " accepted(sasl-external)" : " accepted(dialback)";
  }
  return out;
}

}  // namespace keyfed::modules::s2s
