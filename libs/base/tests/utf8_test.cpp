// The one UTF-8 decoder (utf8.hpp): what it accepts and refuses, including
// where the eight-bytes-at-a-time ASCII path hands over to the decoder.

#include "keyfed/base/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keyfed::base {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(isUtf8(""));
  EXPECT_TRUE(isUtf8("juliet"));
  EXPECT_TRUE(isUtf8("j\xC3\xBCliet"));     // ü
  EXPECT_TRUE(isUtf8("\xE2\x82\xAC"));      // €
  EXPECT_TRUE(isUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(isUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8, RefusesOverlongSurrogatesAndTruncation) {
  EXPECT_FALSE(isUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(isUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(isUtf8("\xF0\x80\x80\xAF"));  // overlong
  EXPECT_FALSE(isUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(isUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isUtf8("\xC3"));              // truncated
  EXPECT_FALSE(isUtf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(isUtf8("\x80"));              // stray continuation
  EXPECT_FALSE(isUtf8("\xFF"));
}

TEST(Utf8, FindsABadByteAnywhereInALongText) {
  const std::string ascii(37, 'a');
  for (std::size_t at = 0; at <= ascii.size(); ++at) {
    std::string bad = ascii;
    bad.insert(at, "\xC3");  // a lead byte followed by ASCII, or at the very end
    EXPECT_FALSE(isUtf8(bad)) << "at " << at;
    std::string good = ascii;
    good.insert(at, "\xC3\xBC");
    EXPECT_TRUE(isUtf8(good)) << "at " << at;
  }
}

TEST(Utf8, SequenceLengthAtAPosition) {
  const std::string_view s = "a\xC3\xBC\xE2\x82\xAC\xF0\x9F\x98\x80\xFF";
  EXPECT_EQ(utf8SequenceLength(s, 0), 1u);
  EXPECT_EQ(utf8SequenceLength(s, 1), 2u);
  EXPECT_EQ(utf8SequenceLength(s, 3), 3u);
  EXPECT_EQ(utf8SequenceLength(s, 6), 4u);
  EXPECT_EQ(utf8SequenceLength(s, 2), 0u);   // a continuation byte
  EXPECT_EQ(utf8SequenceLength(s, 10), 0u);  // 0xFF
  EXPECT_EQ(utf8SequenceLength("\xE2\x82", 0), 0u);
}

}  // namespace
}  // namespace keyfed::base
