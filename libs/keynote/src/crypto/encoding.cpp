// Hex and base64 as RFC 2792 uses them. Strict on input: these decoders see
// key and signature bits from strangers, so anything that is not the one
// canonical spelling of some byte string is refused.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "keynote/keys.hpp"

namespace keynote {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::array<std::int8_t, 256> makeBase64Table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (std::size_t i = 0; i < kBase64Alphabet.size(); ++i) {
    table[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr std::array<std::int8_t, 256> kBase64Table = makeBase64Table();

Error encodingError(const std::string& message, std::size_t offset) {
  return makeError("bad-encoding", message + " at offset " + std::to_string(offset));
}

}  // namespace

std::string encodeHex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kHexDigits[b >> 4U]);
    out.push_back(kHexDigits[b & 0x0FU]);
  }
  return out;
}

Outcome<std::string> decodeHex(std::string_view text) {
  if (text.size() % 2 != 0) {
    return makeError("bad-encoding",
                     "hex text has an odd number of digits (" + std::to_string(text.size()) + ")");
  }
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hexValue(text[i]);
    const int lo = hexValue(text[i + 1]);
    if (hi < 0) return encodingError("invalid hex digit", i);
    if (lo < 0) return encodingError("invalid hex digit", i + 1);
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::string encodeBase64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U) |
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out.push_back(kBase64Alphabet[(v >> 18U) & 0x3FU]);
    out.push_back(kBase64Alphabet[(v >> 12U) & 0x3FU]);
    out.push_back(kBase64Alphabet[(v >> 6U) & 0x3FU]);
    out.push_back(kBase64Alphabet[v & 0x3FU]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U;
    out.push_back(kBase64Alphabet[(v >> 18U) & 0x3FU]);
    out.push_back(kBase64Alphabet[(v >> 12U) & 0x3FU]);
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U);
    out.push_back(kBase64Alphabet[(v >> 18U) & 0x3FU]);
    out.push_back(kBase64Alphabet[(v >> 12U) & 0x3FU]);
    out.push_back(kBase64Alphabet[(v >> 6U) & 0x3FU]);
    out.push_back('=');
  }
  return out;
}

Outcome<std::string> decodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) {
    return makeError("bad-encoding", "base64 text length " + std::to_string(text.size()) +
                                         " is not a multiple of 4");
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t padding = 0;
    if (last && text[i + 3] == '=') padding = text[i + 2] == '=' ? 2 : 1;
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (k >= 4 - padding) {
        continue;  // checked '=' above
      }
      const std::int8_t d = kBase64Table[static_cast<unsigned char>(c)];
      if (d < 0) {
        return encodingError(c == '=' ? "misplaced base64 padding" : "invalid base64 character",
                             i + k);
      }
      v |= static_cast<std::uint32_t>(d) << (18U - 6U * static_cast<unsigned>(k));
    }
    // Padding must leave no stray bits behind, or two texts would decode to
    // the same bytes.
    if ((padding == 1 && (v & 0xFFU) != 0) || (padding == 2 && (v & 0xFFFFU) != 0)) {
      return encodingError("non-zero bits before base64 padding", i);
    }
    out.push_back(static_cast<char>((v >> 16U) & 0xFFU));
    if (padding < 2) out.push_back(static_cast<char>((v >> 8U) & 0xFFU));
    if (padding < 1) out.push_back(static_cast<char>(v & 0xFFU));
  }
  return out;
}

}  // namespace keynote
