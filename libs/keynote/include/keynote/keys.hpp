#pragma once
// Keys and signatures of KeyNote (RFC 2704 section 4.6.7, RFC 2792, RFC 5708)
// plus keyfed's documented extensions (Ed25519, ECDSA P-256, RSA/SHA-256).
// docs/keynote-crypto.md describes every encoding, the signed bytes and the
// limits. Every function here takes untrusted text and reports problems as an
// Error value; none throws on bad input.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "keynote/crypto_provider.hpp"
#include "keynote/error.hpp"

namespace keynote {

// ---------------------------------------------------------------------------
// Text encodings (RFC 2792: hex is written lower case, base64 is RFC 4648 with
// padding). Decoders are strict: odd hex length, non-alphabet characters,
// misplaced or missing padding and non-zero trailing bits are errors.
std::string encodeHex(std::string_view bytes);
Outcome<std::string> decodeHex(std::string_view text);
std::string encodeBase64(std::string_view bytes);
Outcome<std::string> decodeBase64(std::string_view text);

// ---------------------------------------------------------------------------
// Keys.
struct KeyPair {
  std::string publicKey;   // principal, e.g. "ed25519-hex:3b6a..."
  std::string privateKey;  // e.g. "private-ed25519-hex:9d61..."
};

// Generate a key pair. `algorithm` is a public key algorithm name with its
// encoding ("rsa-hex:", "dsa-base64:", "ed25519-hex:", "ecdsa-p256-base64:",
// "x509-hex:"), case-insensitive, trailing colon optional; "" or "default"
// means Ed25519 in hex. `bits`: RSA 1024..16384, DSA 1024..3072, Ed25519 255
// or 256, ECDSA P-256 256, x509 (an RSA key in a self-signed certificate)
// as RSA.
Outcome<KeyPair> generateKey(std::string_view algorithm, int bits);

// What a principal string is.
enum class PrincipalKind {
  Opaque,        // no key algorithm prefix ("alice", "POLICY")
  Key,           // a well-formed key
  MalformedKey,  // a key algorithm prefix whose bits do not decode: fail closed
};
PrincipalKind classifyPrincipal(std::string_view principal);

// The canonical identity of a key principal ("rsa:" + hex of the canonical
// DER, "ed25519:" + hex of the raw key, ...): equal for every text encoding
// of one key. An X.509 certificate is identified by the RSA key it holds
// ("rsa:..."), as the classic implementation compares the two. Errors for
// opaque principals and malformed keys.
Outcome<std::string> canonicalKeyOf(std::string_view principal);

// True when both are key principals naming the same key (any encodings), or
// both are opaque and byte-equal.
bool sameKey(std::string_view a, std::string_view b);

// Re-encode a public or private key principal in another text encoding of
// the same algorithm family: ("rsa-hex:...", "rsa-base64:") -> "rsa-base64:...".
Outcome<std::string> reencodeKey(std::string_view key, std::string_view targetAlgorithm);

// The public key principal (written as `publicAlgorithm`, e.g. "rsa-base64:";
// empty = the private key's own family in hex) of a private key.
Outcome<std::string> publicKeyOf(std::string_view privateKey,
                                 std::string_view publicAlgorithm = {});

// Read a key file as keynote(1) writes it: optional surrounding whitespace, a
// double-quoted string whose lines are joined by `\` + newline (leading
// whitespace of the next line is dropped). Unquoted text is returned trimmed.
Outcome<std::string> parseQuotedKey(std::string_view fileText);

// keynote(1)'s layout of a key or signature: `offset` spaces, a double quote,
// `prefix` and `value`, broken into lines of at most `lineLength` characters
// (counting the quote and the trailing `\`), continuation lines indented by
// `offset`, closing quote and newline.
std::string formatQuoted(std::string_view prefix, std::string_view value, int offset,
                         int lineLength);

// ---------------------------------------------------------------------------
// Signatures.

// Where the Signature field of an assertion is (byte offsets into the text),
// found with the classic field-splitting rules.
struct SignatureField {
  std::size_t start = 0;       // first byte of the assertion (after leading whitespace)
  std::size_t keyword = 0;     // first byte of the `Signature` keyword
  std::size_t valueBegin = 0;  // just after the colon
  std::size_t valueEnd = 0;    // end of the field value
};
Outcome<SignatureField> findSignatureField(std::string_view assertionText);

// The exact bytes a signature covers: the assertion from its first
// non-whitespace byte up to (not including) the Signature keyword, followed by
// the signature algorithm name with its colon ("sig-rsa-sha1-hex:").
Outcome<std::string> signedBytesOf(std::string_view assertionText,
                                   std::string_view signatureAlgorithm);

// Sign an assertion that already ends with a (possibly empty) Signature
// field. Returns the full signature value "sig-...:ENCODED". The private key
// is a `private-...` principal (keygen output, unquoted) or, for
// sig-x509-*, also a PEM RSA private key.
Outcome<std::string> signAssertion(std::string_view assertionText,
                                   std::string_view signatureAlgorithm,
                                   std::string_view privateKey);

// Sign arbitrary signed bytes (already including the algorithm name).
Outcome<std::string> signBytes(std::string_view signedBytes, std::string_view signatureAlgorithm,
                               std::string_view privateKey);

// Verify without the cache (CryptoProvider::verify is the cached path).
SignatureCheck verifySignature(std::string_view signedBytes, std::string_view authorizer,
                               std::string_view signature);

// The signature algorithm name of a signature value, with its colon, lower
// case ("sig-rsa-sha1-hex:"), or an error for unknown names.
Outcome<std::string> signatureAlgorithmOf(std::string_view signature);

// Whether `signatureAlgorithm` ("sig-dsa-sha1-hex:") can be made by the key
// principal `key` (public or private-...).
bool signatureFitsKey(std::string_view signatureAlgorithm, std::string_view key);

// ---------------------------------------------------------------------------
// Whole credentials, as `keynote sign`/`keynote sigver` and kn_sign_assertion(3)/
// kn_verify_assertion(3) see them.

// Sign like the classic tool: the assertion's Authorizer must be a key of the
// signature's kind; `privateKeyText` is a key file as keygen writes it (a
// quoted string), a bare private-... principal, or for sig-x509-* a PEM RSA
// key. With `verify`, the new signature is checked with the Authorizer key.
// Error codes: "syntax"/"no-signature" (assertion), "bad-algorithm",
// "unsupported", "algorithm-mismatch", "bad-key", "sign-failed",
// "verify-failed".
Outcome<std::string> signCredential(std::string_view assertionText,
                                    std::string_view signatureAlgorithm,
                                    std::string_view privateKeyText, bool verify);

// Check the signature of one assertion text (uncached). An error means the
// assertion does not parse; an assertion without a signature, or whose
// Authorizer or Signature cannot be read, gives BadSignature.
Outcome<SignatureCheck> verifyCredential(std::string_view assertionText);

// A short human description of a SignatureCheck ("verified", "bad signature").
std::string_view describe(SignatureCheck check);

// ---------------------------------------------------------------------------
// The signature cache behind defaultCryptoProvider().
struct SignatureCacheStats {
  std::uint64_t hits = 0;           // answers served from the cache
  std::uint64_t misses = 0;         // lookups that had to verify
  std::uint64_t verifications = 0;  // signature verifications performed by OpenSSL
  std::size_t size = 0;             // entries held
  std::size_t capacity = 0;         // bound on entries
};
SignatureCacheStats signatureCacheStats();
// Forgets verified signatures (every signature is verified again) and resets
// the counters. Decoded public keys stay cached: a key is not a verdict.
void clearSignatureCache();
// Forgets decoded public keys too (tests, memory pressure).
void clearKeyCache();

// Limits (docs/keynote-crypto.md).
inline constexpr std::size_t kMaxKeyTextLength =
    std::size_t{96} * 1024;  // encoded key or signature
inline constexpr std::size_t kMaxRsaModulusBits = 16384;
inline constexpr std::size_t kMinRsaModulusBits = 512;
inline constexpr std::size_t kMaxDsaPrimeBits = 8192;
inline constexpr std::size_t kSignatureCacheCapacity = 16384;

}  // namespace keynote
