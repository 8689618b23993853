#include "keyfed/base/hex.hpp"

#include <gtest/gtest.h>

namespace keyfed::base {
namespace {

TEST(Hex, LowercaseTwoDigitsPerByte) {
  EXPECT_EQ(toHex(""), "");
  EXPECT_EQ(toHex(std::string_view("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  const unsigned char digest[] = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(toHex(digest, sizeof digest), "deadbeef");
}

}  // namespace
}  // namespace keyfed::base
