#include "crypto/names.hpp"

#include <array>

namespace keynote::crypto {
namespace {

constexpr std::string_view kPrivatePrefix = "private-";

struct KeyEntry {
  std::string_view name;
  KeyFamily family;
  TextEncoding encoding;
};

constexpr std::array<KeyEntry, 12> kKeyNames{{
    {"rsa-hex:", KeyFamily::Rsa, TextEncoding::Hex},
    {"rsa-base64:", KeyFamily::Rsa, TextEncoding::Base64},
    {"dsa-hex:", KeyFamily::Dsa, TextEncoding::Hex},
    {"dsa-base64:", KeyFamily::Dsa, TextEncoding::Base64},
    {"x509-hex:", KeyFamily::X509, TextEncoding::Hex},
    {"x509-base64:", KeyFamily::X509, TextEncoding::Base64},
    {"binary-hex:", KeyFamily::Binary, TextEncoding::Hex},
    {"binary-base64:", KeyFamily::Binary, TextEncoding::Base64},
    {"ed25519-hex:", KeyFamily::Ed25519, TextEncoding::Hex},
    {"ed25519-base64:", KeyFamily::Ed25519, TextEncoding::Base64},
    {"ecdsa-p256-hex:", KeyFamily::EcdsaP256, TextEncoding::Hex},
    {"ecdsa-p256-base64:", KeyFamily::EcdsaP256, TextEncoding::Base64},
}};

struct SigEntry {
  std::string_view name;
  SigScheme scheme;
  TextEncoding encoding;
};

constexpr std::array<SigEntry, 18> kSigNames{{
    {"sig-rsa-sha1-hex:", SigScheme::RsaSha1Octet, TextEncoding::Hex},
    {"sig-rsa-sha1-base64:", SigScheme::RsaSha1Octet, TextEncoding::Base64},
    {"sig-rsa-md5-hex:", SigScheme::RsaMd5Octet, TextEncoding::Hex},
    {"sig-rsa-md5-base64:", SigScheme::RsaMd5Octet, TextEncoding::Base64},
    {"sig-rsa-sha256-hex:", SigScheme::RsaSha256, TextEncoding::Hex},
    {"sig-rsa-sha256-base64:", SigScheme::RsaSha256, TextEncoding::Base64},
    {"sig-x509-sha1-hex:", SigScheme::X509Sha1, TextEncoding::Hex},
    {"sig-x509-sha1-base64:", SigScheme::X509Sha1, TextEncoding::Base64},
    {"sig-x509-sha256-hex:", SigScheme::X509Sha256, TextEncoding::Hex},
    {"sig-x509-sha256-base64:", SigScheme::X509Sha256, TextEncoding::Base64},
    {"sig-x509-sha512-hex:", SigScheme::X509Sha512, TextEncoding::Hex},
    {"sig-x509-sha512-base64:", SigScheme::X509Sha512, TextEncoding::Base64},
    {"sig-dsa-sha1-hex:", SigScheme::DsaSha1, TextEncoding::Hex},
    {"sig-dsa-sha1-base64:", SigScheme::DsaSha1, TextEncoding::Base64},
    {"sig-ed25519-sha512-hex:", SigScheme::Ed25519, TextEncoding::Hex},
    {"sig-ed25519-sha512-base64:", SigScheme::Ed25519, TextEncoding::Base64},
    {"sig-ecdsa-p256-sha256-hex:", SigScheme::EcdsaP256Sha256, TextEncoding::Hex},
    {"sig-ecdsa-p256-sha256-base64:", SigScheme::EcdsaP256Sha256, TextEncoding::Base64},
}};

// Registered names we do not implement: a signature using them is reported as
// unsupported rather than malformed.
constexpr std::array<std::string_view, 7> kUnsupportedSigNames{{
    "sig-elgamal-sha1-hex:",
    "sig-elgamal-sha1-base64:",
    "sig-pgp:",
    "sig-x509-md5-hex:",
    "sig-x509-md5-base64:",
    "sig-x509-ripemd160-hex:",
    "sig-x509-ripemd160-base64:",
}};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

std::optional<KeyName> parseKeyName(std::string_view text) {
  bool isPrivate = false;
  std::size_t skip = 0;
  if (startsWithNoCase(text, kPrivatePrefix)) {
    isPrivate = true;
    skip = kPrivatePrefix.size();
  }
  const std::string_view rest = text.substr(skip);
  for (const auto& entry : kKeyNames) {
    if (startsWithNoCase(rest, entry.name)) {
      return KeyName{entry.family, entry.encoding, isPrivate, skip + entry.name.size()};
    }
  }
  return std::nullopt;
}

std::string keyPrefix(KeyFamily family, TextEncoding encoding, bool isPrivate) {
  for (const auto& entry : kKeyNames) {
    if (entry.family == family && entry.encoding == encoding) {
      return (isPrivate ? std::string(kPrivatePrefix) : std::string()) + std::string(entry.name);
    }
  }
  return {};
}

std::string_view familyName(KeyFamily family) {
  switch (family) {
    case KeyFamily::Rsa: return "rsa";
    case KeyFamily::Dsa: return "dsa";
    case KeyFamily::X509: return "x509";
    case KeyFamily::Binary: return "binary";
    case KeyFamily::Ed25519: return "ed25519";
    case KeyFamily::EcdsaP256: return "ecdsa-p256";
  }
  return "unknown";
}

std::optional<SigName> parseSigName(std::string_view text) {
  for (const auto& entry : kSigNames) {
    if (startsWithNoCase(text, entry.name)) {
      return SigName{entry.scheme, entry.encoding, entry.name.size()};
    }
  }
  return std::nullopt;
}

bool isUnsupportedSigName(std::string_view text) {
  for (const auto name : kUnsupportedSigNames) {
    if (startsWithNoCase(text, name)) return true;
  }
  return false;
}

std::string sigPrefix(SigScheme scheme, TextEncoding encoding) {
  for (const auto& entry : kSigNames) {
    if (entry.scheme == scheme && entry.encoding == encoding) return std::string(entry.name);
  }
  return {};
}

bool schemeFitsKey(SigScheme scheme, KeyFamily family) {
  switch (scheme) {
    // The classic implementation lets RSA and X.509 signatures cross over:
    // an X.509 key holds an RSA key.
    case SigScheme::RsaSha1Octet:
    case SigScheme::RsaMd5Octet:
    case SigScheme::RsaSha256:
    case SigScheme::X509Sha1:
    case SigScheme::X509Sha256:
    case SigScheme::X509Sha512: return family == KeyFamily::Rsa || family == KeyFamily::X509;
    case SigScheme::DsaSha1: return family == KeyFamily::Dsa;
    case SigScheme::Ed25519: return family == KeyFamily::Ed25519;
    case SigScheme::EcdsaP256Sha256: return family == KeyFamily::EcdsaP256;
  }
  return false;
}

}  // namespace keynote::crypto
