// The XEP-0114 handshake digest and its comparison.

#include "handshake.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keyfed::modules::component {
namespace {

// Digests computed independently (python3 hashlib.sha1(id + secret).hexdigest()).
TEST(Handshake, DigestIsLowercaseHexSha1OfStreamIdThenSecret) {
  EXPECT_EQ(handshakeDigest("3BF96D32", "secret"), "b09ea9b3b7f586be8a08d0a3dd7466f110aeb136");
  EXPECT_EQ(handshakeDigest("c2b1f5a0d4e3", "a shared secret of enough bytes"),
            "a5c4dab0a80621b96120e705eb369e3e8a943ebc");
  // The order matters: secret + id is another digest.
  EXPECT_NE(handshakeDigest("secret", "3BF96D32"), handshakeDigest("3BF96D32", "secret"));
}

TEST(Handshake, MatchesTheRightDigestInEitherCase) {
  const std::string expected = handshakeDigest("3BF96D32", "secret");
  EXPECT_TRUE(handshakeMatches(expected, expected));
  EXPECT_TRUE(handshakeMatches(expected, "B09EA9B3B7F586BE8A08D0A3DD7466F110AEB136"));
}

TEST(Handshake, RefusesEverythingElse) {
  const std::string expected = handshakeDigest("3BF96D32", "secret");
  std::string lastDigitWrong = expected;
  lastDigitWrong.back() = lastDigitWrong.back() == '0' ? '1' : '0';
  EXPECT_FALSE(handshakeMatches(expected, lastDigitWrong));
  EXPECT_FALSE(handshakeMatches(expected, ""));
  EXPECT_FALSE(handshakeMatches(expected, expected.substr(0, 39)));
  EXPECT_FALSE(handshakeMatches(expected, expected + "0"));
  EXPECT_FALSE(handshakeMatches(expected, " " + expected.substr(1)));
  EXPECT_FALSE(handshakeMatches(expected, "secret"));
  // The handshake of another stream id with the same secret (a replay).
  EXPECT_FALSE(handshakeMatches(expected, handshakeDigest("3BF96D33", "secret")));
  // An empty expectation (a failed digest) matches nothing, not even itself.
  EXPECT_FALSE(handshakeMatches("", ""));
}

}  // namespace
}  // namespace keyfed::modules::component
