#pragma once
// What the server knows about a federation peer when it asks the policy
// point. Evidence is gathered by separate verifiers (certificate checks,
// dialback, SASL EXTERNAL) that only fill these facts in; the policy point
// decides. The policy engine never does I/O: time is a fact too.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace keyfed::policy {

// The federation trust ladder (docs/federation.md), weakest first. A stream's
// level is the highest rung its evidence reaches.
enum class TrustLevel {
  none,      // nothing proven
  verified,  // dialback (XEP-0220) without TLS
  secure,    // TLS + dialback
  trusted,   // TLS + a certificate that validates for the peer's domain
  pinned,    // trusted, and the certificate's key matches a configured pin
};
std::string_view toString(TrustLevel level);
std::optional<TrustLevel> parseTrustLevel(std::string_view name);

enum class Direction { inbound, outbound };
std::string_view toString(Direction direction);

struct CertificateFacts {
  bool presented = false;
  bool chainValid = false;     // verified against the configured CA bundle
  bool matchesDomain = false;  // RFC 6125 identity check for the peer domain
  bool expired = false;
  std::string spkiSha256;  // hex of SHA-256 over the SubjectPublicKeyInfo
  std::string problem;     // why it does not count, for logs ("expired", "wrong name")
};

struct PeerFacts {
  std::string localDomain;
  std::string peerDomain;
  std::string address;  // peer IP address
  Direction direction = Direction::inbound;
  bool tls = false;
  bool dialbackVerified = false;
  bool saslExternal = false;  // authenticated with SASL EXTERNAL (XEP-0178)
  bool pinMatched = false;    // spkiSha256 equals a configured pin for the domain
  CertificateFacts certificate;
  std::chrono::system_clock::time_point now{};

  // The rung this evidence reaches.
  [[nodiscard]] TrustLevel level() const;
};

}  // namespace keyfed::policy
