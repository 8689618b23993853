#pragma once
// Evidence to facts: what a stream learned about its peer (TLS, the
// certificate check, dialback, SASL EXTERNAL, a pin) becomes the PeerFacts the
// policy point decides on, and a one-line description for the log.

#include <chrono>
#include <string>

#include "keyfed/modules/s2s.hpp"
#include "keyfed/net/certificate_check.hpp"
#include "keyfed/policy/facts.hpp"

namespace keyfed::modules::s2s {

struct Evidence {
  bool tls = false;
  bool dialback = false;  // inbound: the key verified; outbound: the peer accepted ours
  bool saslExternal = false;
  net::CertificateCheck certificate;
};

policy::PeerFacts makeFacts(const S2sConfig& config, std::string localDomain,
                            std::string peerDomain, std::string address,
                            policy::Direction direction, const Evidence& evidence,
                            std::chrono::system_clock::time_point now);

// "level=trusted tls certificate=valid sasl-external" and the like.
std::string describe(const policy::PeerFacts& facts);

}  // namespace keyfed::modules::s2s
