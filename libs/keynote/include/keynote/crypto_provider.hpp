#pragma once
// The seam between the KeyNote language engine and its cryptography.
//
// The evaluator never touches OpenSSL: it asks a CryptoProvider (a) whether a
// principal string names a key, and under which canonical identity, so that
// `rsa-hex:...` and `rsa-base64:...` of the same key compare equal, and (b)
// whether a signature over given bytes verifies under an authorizer key.
// Tests of the language can pass a fake provider; production uses
// defaultCryptoProvider(), which also caches verified signatures.

#include <optional>
#include <string>
#include <string_view>

namespace keynote {

enum class SignatureCheck {
  Verified,           // signature is valid for these bytes and this key
  BadSignature,       // well-formed, but does not verify
  Malformed,          // signature or key cannot be decoded
  AlgorithmMismatch,  // signature algorithm does not fit the authorizer key type
  Unsupported,        // algorithm known to the RFCs but not implemented
};

class CryptoProvider {
 public:
  virtual ~CryptoProvider() = default;

  // If `principal` is a cryptographic principal (`ALGORITHM:ENCODEDBITS` with a
  // known key algorithm), return its canonical identity: a string equal for
  // every encoding of the same key and different for different keys.
  // Otherwise (an opaque principal such as "alice" or "POLICY"), nullopt.
  virtual std::optional<std::string> canonicalKey(std::string_view principal) const = 0;

  // Verify `signature` (e.g. `sig-rsa-sha1-hex:3f...`, without quotes) made by
  // `authorizer` (a key principal as written in the assertion) over
  // `signedBytes` (see docs/keynote.md: assertion text up to the Signature
  // keyword, followed by the signature algorithm name with its colon).
  virtual SignatureCheck verify(std::string_view signedBytes, std::string_view authorizer,
                                std::string_view signature) const = 0;
};

// The OpenSSL-backed provider with a bounded cache of verified signatures.
// Thread-safe.
const CryptoProvider& defaultCryptoProvider();

}  // namespace keynote
