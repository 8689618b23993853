#pragma once
// Evidence about a peer's certificate for the policy point (libs/policy
// CertificateFacts): does the chain validate against the configured CA
// bundle, does it name the peer domain (RFC 6125 / RFC 7622: DNS-ID incl. a
// leftmost wildcard, SRV-ID _xmpp-server.domain, XmppAddr otherName), is it
// expired, and the SHA-256 of its SubjectPublicKeyInfo for pins. The clientAuth
// extended key usage is deliberately NOT required of server certificates
// presented on incoming s2s streams (public CAs stopped issuing it).
//
// Pure: no sockets, the time is an input.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/result.hpp"

namespace keyfed::net {

struct CertificateCheck {
  bool presented = false;
  bool chainValid = false;
  bool matchesDomain = false;
  bool expired = false;
  std::string spkiSha256;  // lowercase hex
  std::string problem;     // first reason it does not count ("expired", "name mismatch", ...)
};

// Holds the trust store (loaded once; per-connection checks do not re-read it).
class CertificateVerifier {
 public:
  // `caFile`: PEM bundle; empty = the system store.
  static base::Result<std::unique_ptr<CertificateVerifier>> create(const std::string& caFile);
  virtual ~CertificateVerifier() = default;
  // `chain`: DER certificates, leaf first (ByteStream::peerCertificateChain()).
  [[nodiscard]] virtual CertificateCheck check(const std::vector<std::string>& chain,
                                               std::string_view domain,
                                               std::chrono::system_clock::time_point now) const = 0;
};

}  // namespace keyfed::net
