#include "keyfed/xmpp/see_other_host.hpp"

#include <gtest/gtest.h>

namespace keyfed::xmpp {
namespace {

SeeOtherHost at(std::string address, std::uint16_t port) {
  return SeeOtherHost{std::move(address), port};
}

TEST(SeeOtherHost, ReadsIpv4WithAndWithoutPort) {
  auto withPort = parseSeeOtherHost("192.0.2.7:5270");
  ASSERT_TRUE(withPort) << withPort.error().message;
  EXPECT_EQ(*withPort, at("192.0.2.7", 5270));
  auto bare = parseSeeOtherHost("192.0.2.7");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_EQ(*bare, at("192.0.2.7", 5269));  // no port: the s2s default
}

TEST(SeeOtherHost, ReadsIpv6InBrackets) {
  auto withPort = parseSeeOtherHost("[2001:db8::7]:5270");
  ASSERT_TRUE(withPort) << withPort.error().message;
  EXPECT_EQ(*withPort, at("2001:db8::7", 5270));
  auto bare = parseSeeOtherHost("[::1]");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_EQ(*bare, at("::1", 5269));
}

TEST(SeeOtherHost, WritesWhatItReads) {
  EXPECT_EQ(at("192.0.2.7", 5269).text(), "192.0.2.7:5269");
  EXPECT_EQ(at("2001:db8::7", 5270).text(), "[2001:db8::7]:5270");
  for (const char* text : {"192.0.2.7:1", "[2001:db8::7]:65535"}) {
    auto parsed = parseSeeOtherHost(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(parsed->text(), text);
  }
}

TEST(SeeOtherHost, RefusesGarbage) {
  for (const char* text : {"",
                           ":",
                           ":5269",
                           "192.0.2.7:",
                           "192.0.2.7:0",
                           "192.0.2.7:65536",
                           "192.0.2.7:52x9",
                           "192.0.2.7:-1",
                           "192.0.2.7 :5269",
                           " 192.0.2.7",
                           "192.0.2.300",
                           "2001:db8::7",
                           "2001:db8::7:5269",
                           "[2001:db8::7",
                           "[2001:db8::7]5269",
                           "[192.0.2.7]:5269",
                           "[]:5269",
                           "b.example:5269",
                           "b.example",
                           "192.0.2.7:5269:1",
                           "<x/>"}) {
    auto parsed = parseSeeOtherHost(text);
    EXPECT_FALSE(parsed) << "'" << text << "' was read as " << parsed->text();
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, "xmpp.see-other-host") << text;
    }
  }
  EXPECT_FALSE(parseSeeOtherHost(std::string(kMaxSeeOtherHostBytes + 1, '1')));
}

}  // namespace
}  // namespace keyfed::xmpp
