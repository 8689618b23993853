#pragma once
// The FAC request protocol, version 0 (docs/fac-protocol.md): a JSON request
// signed by the requester's KeyNote key, and the agent's JSON answer. This
// header is all a client needs to build and sign a request (keyfedctl uses
// it); the agent uses it to read and check one. No I/O, no clock: time is an
// argument.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/result.hpp"

namespace keyfed::agent {

inline constexpr int kProtocolVersion = 0;
// Prefix of the signed bytes: a signature over a FAC request can never be
// mistaken for a signature over a KeyNote assertion or another protocol.
inline constexpr std::string_view kSignaturePrefix = "keyfed-fac-request:0\n";

// Hard limits on a request (docs/fac-protocol.md, "Limits").
inline constexpr std::size_t kMaxRequestBytes = std::size_t{256} * 1024;
inline constexpr std::size_t kMaxCredentials = 32;
inline constexpr std::size_t kMaxCredentialBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxAttributes = 128;
inline constexpr std::size_t kMaxAttributeNameBytes = 64;
inline constexpr std::size_t kMaxAttributeValueBytes = 4096;
inline constexpr std::size_t kMinNonceBytes = 16;
inline constexpr std::size_t kMaxNonceBytes = 128;

// Error codes of requests that are refused before any KeyNote query
// (status "invalid").
namespace errc {
inline constexpr const char* kMalformed = "fac.malformed";         // not the request format
inline constexpr const char* kVersion = "fac.version";             // another protocol version
inline constexpr const char* kTarget = "fac.target";               // meant for another server
inline constexpr const char* kStale = "fac.stale";                 // timestamp outside the window
inline constexpr const char* kBadKey = "fac.bad-key";              // requester is not a usable key
inline constexpr const char* kBadSignature = "fac.bad-signature";  // signature does not verify
inline constexpr const char* kReplay = "fac.replay";               // nonce already used
inline constexpr const char* kAttributes = "fac.attributes";       // reserved or bad attributes
inline constexpr const char* kUnsupported = "fac.unsupported";     // a change the agent cannot make
inline constexpr const char* kBusy = "fac.busy";                   // too many recent requests
inline constexpr const char* kInternal = "fac.internal";           // storage failure: fail closed
}  // namespace errc

struct Request {
  int version = kProtocolVersion;
  std::string target;                             // domain of the server whose agent is asked
  std::string requester;                          // KeyNote key principal ("ed25519-hex:...")
  std::string nonce;                              // 16..128 characters of [A-Za-z0-9_-]
  std::int64_t timestamp = 0;                     // Unix seconds when it was signed
  std::map<std::string, std::string> attributes;  // KeyNote action attributes asked for
  std::vector<std::string> credentials;           // KeyNote assertion texts
  std::string signature;                          // "sig-...:...", over signedBytes()
};

// Reads a request (strictly: unknown members, wrong types and limits are
// errors with code fac.malformed / fac.version). Does not check the signature.
base::Result<Request> parseRequest(std::string_view json);
// The request as JSON text (compact; members in canonical order).
std::string toJson(const Request& request);

// The canonical JSON of the request without its signature: members sorted
// by their UTF-8 bytes, no whitespace, strings escaped as the spec says.
std::string canonicalForm(const Request& request);
// The bytes a signature covers: kSignaturePrefix, canonicalForm, "\n", and
// the signature algorithm name with its colon, lower case
// ("sig-ed25519-sha512-hex:").
std::string signedBytes(const Request& request, std::string_view signatureAlgorithm);

// Signs in place: sets request.requester to the public key of `privateKey`
// (a private-... principal or a keygen key file's text) and request.signature.
// `signatureAlgorithm` empty: the default for the key (docs/fac-protocol.md).
base::Result<void> signRequest(Request& request, std::string_view privateKey,
                               std::string_view signatureAlgorithm = {});
// Checks the signature with request.requester (fac.bad-key, fac.bad-signature).
base::Result<void> verifyRequest(const Request& request);

// The request's id: 32 lower-case hex digits of SHA-256 over the signed bytes
// (over `fallback` when the request could not be read).
std::string requestId(const Request& request);
std::string requestIdOf(std::string_view rawRequest);

// A random nonce (32 hex digits).
std::string makeNonce();

}  // namespace keyfed::agent
