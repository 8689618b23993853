#pragma once
// A CryptoProvider test double: lets the language tests exercise signed
// credentials, key equality across encodings and lazy signature checking
// without real cryptography.
//
// Keys are "fake-hex:<hex bytes>" or "fake-base64:<base64 of the same
// bytes>" (the same key in two encodings). A signature over bytes B by key K
// is "sig-fake-hex:" + hex(FNV-1a(B || canonical(K))). verifyCalls counts
// verifications so tests can see when a signature was (not) checked.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "keynote/crypto_provider.hpp"

namespace keynote::testing {

inline std::string toHex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

inline std::optional<std::string> fromHex(std::string_view hex) {
  if (hex.size() % 2 != 0 || hex.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

inline std::string toBase64(std::string_view bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    auto n = (static_cast<unsigned char>(bytes[i]) << 16) |
             (static_cast<unsigned char>(bytes[i + 1]) << 8) |
             static_cast<unsigned char>(bytes[i + 2]);
    out += {table[(n >> 18) & 63], table[(n >> 12) & 63], table[(n >> 6) & 63], table[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    auto n = static_cast<unsigned char>(bytes[i]) << 16;
    out += {table[(n >> 18) & 63], table[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    auto n = (static_cast<unsigned char>(bytes[i]) << 16) |
             (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {table[(n >> 18) & 63], table[(n >> 12) & 63], table[(n >> 6) & 63], '='};
  }
  return out;
}

inline std::optional<std::string> fromBase64(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

class FakeCrypto : public CryptoProvider {
 public:
  std::optional<std::string> canonicalKey(std::string_view principal) const override {
    if (principal.rfind("fake-hex:", 0) == 0) {
      auto bytes = fromHex(principal.substr(9));
      if (bytes) return "fake:" + toHex(*bytes);
    } else if (principal.rfind("fake-base64:", 0) == 0) {
      auto bytes = fromBase64(principal.substr(12));
      if (bytes) return "fake:" + toHex(*bytes);
    }
    return std::nullopt;
  }

  SignatureCheck verify(std::string_view signedBytes, std::string_view authorizer,
                        std::string_view signature) const override {
    ++verifyCalls;
    auto key = canonicalKey(authorizer);
    if (!key) return SignatureCheck::Malformed;
    if (signature.rfind("sig-fake-hex:", 0) != 0) return SignatureCheck::AlgorithmMismatch;
    return signature.substr(13) == digest(signedBytes, *key) ? SignatureCheck::Verified
                                                             : SignatureCheck::BadSignature;
  }

  static std::string digest(std::string_view bytes, std::string_view key) {
    std::uint64_t h = 1469598103934665603ULL;
    for (char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    std::string raw;
    for (int i = 0; i < 8; ++i) raw.push_back(static_cast<char>((h >> (8 * i)) & 0xff));
    return toHex(raw);
  }

  // `text` must end with a "Signature:" line (nothing after the colon); the
  // signed bytes are the text up to the Signature keyword plus the algorithm.
  std::string sign(const std::string& text, std::string_view key) const {
    const std::size_t at = text.rfind("Signature:");
    std::string region = text.substr(0, at);
    std::size_t start = 0;
    while (start < region.size() && (region[start] == ' ' || region[start] == '\n')) ++start;
    std::string bytes = region.substr(start) + "sig-fake-hex:";
    return text + " \"sig-fake-hex:" + digest(bytes, *canonicalKey(key)) + "\"\n";
  }

  mutable int verifyCalls = 0;
};

}  // namespace keynote::testing
