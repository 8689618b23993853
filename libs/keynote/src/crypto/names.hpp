#pragma once
// Algorithm names of keys and signatures (RFC 2792, RFC 5708, the IANA
// KeyNote registry, and keyfed's extensions), matched case-insensitively as
// the classic implementation does.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace keynote::crypto {

enum class KeyFamily { Rsa, Dsa, X509, Binary, Ed25519, EcdsaP256 };
enum class TextEncoding { Hex, Base64 };

struct KeyName {
  KeyFamily family;
  TextEncoding encoding;
  bool isPrivate;
  std::size_t length;  // of the name including its colon (and "private-")
};

// The key algorithm name at the start of `text`, if any.
std::optional<KeyName> parseKeyName(std::string_view text);
// "rsa-hex:" / "private-rsa-hex:".
std::string keyPrefix(KeyFamily family, TextEncoding encoding, bool isPrivate);
// "rsa", used in canonical identities and messages.
std::string_view familyName(KeyFamily family);

enum class SigScheme {
  RsaSha1Octet,     // sig-rsa-sha1-*: PKCS#1 v1.5 over OCTET STRING(SHA-1)
  RsaMd5Octet,      // sig-rsa-md5-*: PKCS#1 v1.5 over OCTET STRING(MD5)
  RsaSha256,        // sig-rsa-sha256-* (extension): PKCS#1 v1.5 DigestInfo SHA-256
  X509Sha1,         // sig-x509-sha1-*: PKCS#1 v1.5 DigestInfo SHA-1
  X509Sha256,       // sig-x509-sha256-*: PKCS#1 v1.5 DigestInfo SHA-256
  X509Sha512,       // sig-x509-sha512-*: PKCS#1 v1.5 DigestInfo SHA-512
  DsaSha1,          // sig-dsa-sha1-*: DER Dss-Sig-Value over SHA-1
  Ed25519,          // sig-ed25519-sha512-* (extension): pure Ed25519
  EcdsaP256Sha256,  // sig-ecdsa-p256-sha256-* (extension): DER ECDSA-Sig-Value
};

struct SigName {
  SigScheme scheme;
  TextEncoding encoding;
  std::size_t length;  // of the name including its colon
};

enum class SigNameStatus { Known, Unsupported, Unknown };

// The signature algorithm name at the start of `text`.
std::optional<SigName> parseSigName(std::string_view text);
// Known to the RFCs/registry but not implemented (sig-elgamal-*, sig-pgp:, ...).
bool isUnsupportedSigName(std::string_view text);
std::string sigPrefix(SigScheme scheme, TextEncoding encoding);
// Whether a key of `family` may verify/produce a signature of `scheme`.
bool schemeFitsKey(SigScheme scheme, KeyFamily family);

bool startsWithNoCase(std::string_view text, std::string_view prefix);

}  // namespace keynote::crypto
