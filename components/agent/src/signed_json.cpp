// Helpers shared by the signed JSON formats (signed_json.hpp).

#include "keyfed/agent/signed_json.hpp"

namespace keyfed::agent {

bool nestingWithin(std::string_view text, int maxDepth) {
  int depth = 0;
  bool inString = false;
  bool escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"')
      inString = true;
    else if (c == '{' || c == '[') {
      if (++depth > maxDepth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

void appendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string defaultSignatureAlgorithm(std::string_view publicKey) {
  if (publicKey.starts_with("ed25519-")) return "sig-ed25519-sha512-hex:";
  if (publicKey.starts_with("ecdsa-p256-")) return "sig-ecdsa-p256-sha256-hex:";
  if (publicKey.starts_with("dsa-")) return "sig-dsa-sha1-hex:";
  if (publicKey.starts_with("x509-")) return "sig-x509-sha256-hex:";
  return "sig-rsa-sha256-hex:";
}

}  // namespace keyfed::agent
