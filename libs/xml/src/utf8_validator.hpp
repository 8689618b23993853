#pragma once
// Incremental UTF-8 validation (RFC 3629) across arbitrary chunk boundaries.
// The stream parser checks every byte before expat sees it, so that bytes that
// are not UTF-8 are reported as such (<unsupported-encoding/>, RFC 6120 11.6)
// rather than as generic malformed XML. Refuses overlong forms, surrogates and
// code points above U+10FFFF.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace keyfed::xml {

class Utf8Validator {
 public:
  // False at the first byte that cannot continue valid UTF-8; the validator
  // then stays failed until reset().
  bool feed(std::string_view bytes) {
    if (failed_) return false;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const auto c = static_cast<unsigned char>(bytes[i]);
      if (pending_ == 0) {
        if (c < 0x80) {
          // Most of a stream is ASCII: skip eight such bytes at a time.
          while (bytes.size() - i > 8 && asciiWord(bytes.data() + i + 1)) i += 8;
          continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
          pending_ = 1;
          low_ = 0x80, high_ = 0xBF;
        } else if (c >= 0xE0 && c <= 0xEF) {
          pending_ = 2;
          low_ = c == 0xE0 ? 0xA0 : 0x80;   // overlong
          high_ = c == 0xED ? 0x9F : 0xBF;  // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
          pending_ = 3;
          low_ = c == 0xF0 ? 0x90 : 0x80;   // overlong
          high_ = c == 0xF4 ? 0x8F : 0xBF;  // above U+10FFFF
        } else {
          return fail();
        }
        continue;
      }
      if (c < low_ || c > high_) return fail();
      low_ = 0x80, high_ = 0xBF;
      --pending_;
    }
    return true;
  }
  void reset() { *this = Utf8Validator{}; }

 private:
  static bool asciiWord(const char* p) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, sizeof word);
    return (word & 0x8080808080808080ULL) == 0;
  }
  bool fail() {
    failed_ = true;
    return false;
  }
  std::uint8_t pending_ = 0;  // continuation bytes still expected
  std::uint8_t low_ = 0x80;   // allowed range of the next continuation byte
  std::uint8_t high_ = 0xBF;
  bool failed_ = false;
};

}  // namespace keyfed::xml
