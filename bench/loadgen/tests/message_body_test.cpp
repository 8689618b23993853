#include "message_body.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace keyfed::loadgen {
namespace {

TEST(MessageBody, RoundTripsAndPadsToTheRequestedSize) {
  std::string body;
  const MessageStamp stamp{0xdeadbeef, 42, 7, 1'234'567'890'123};
  encodeBody(stamp, 200, body);
  EXPECT_EQ(body.size(), 200U);
  EXPECT_EQ(decodeBody(body), stamp);
}

TEST(MessageBody, NeverShorterThanItsHeader) {
  std::string body;
  const MessageStamp big{
      std::numeric_limits<std::uint32_t>::max(), std::numeric_limits<std::uint32_t>::max(),
      std::numeric_limits<std::uint64_t>::max(), std::numeric_limits<std::int64_t>::max()};
  encodeBody(big, 1, body);
  EXPECT_EQ(body.size(), kMaxHeaderBytes);
  EXPECT_EQ(decodeBody(body), big);
}

TEST(MessageBody, RefusesBodiesItDidNotWrite) {
  for (const char* text : {"", "hello", "9 1 2", "9 1 2 3", "9 1 2 3 y", "9 1 2 -3 ", "9 x 2 3 ",
                           "9 1 2 3 xxxx ", "9 99999999999 1 1 ", "9 1  2 3 ", "1 2 3 "}) {
    EXPECT_FALSE(decodeBody(text).has_value()) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace keyfed::loadgen
