#pragma once
// UTF-8 well-formedness (RFC 3629): no overlong forms, surrogates or code
// points above U+10FFFF. The one decoder for whole strings: the JID/SASL code
// (libs/xmpp), the WebSocket framer (libs/http), the storage checks, the XML
// writer (which replaces what it refuses) and upload names use it. The stream
// parser validates incrementally across reads (libs/xml utf8_validator.hpp).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace keyfed::base {

// The length (1 to 4) of the well-formed UTF-8 sequence that starts at s[i],
// or 0 when the bytes there are not one. i must be < s.size().
inline std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return len;
}

inline bool isUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    // Most text is ASCII: eight bytes at a time while none has its top bit.
    if (s.size() - i >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, s.data() + i, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t len = utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace keyfed::base
