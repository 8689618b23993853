#include "keyfed/xmpp/plain.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keyfed::xmpp {
namespace {

using namespace std::string_literals;

TEST(Plain, ParsesTheThreeFields) {
  auto m = parsePlain("\0juliet\0r0m30myr0m30"s);
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->authzid, "");
  EXPECT_EQ(m->authcid, "juliet");
  EXPECT_EQ(m->password, "r0m30myr0m30");
  auto z = parsePlain("juliet@example.com\0juliet\0p\xC3\xA4ss"s);
  ASSERT_TRUE(z);
  EXPECT_EQ(z->authzid, "juliet@example.com");
  EXPECT_EQ(z->password, "p\xC3\xA4ss");
}

TEST(Plain, RefusesMalformedMessages) {
  for (const std::string& bad :
       {"juliet"s, "\0juliet"s, "\0\0pass"s, "\0juliet\0"s, "\0jul\0iet\0pass"s,
        "\0juliet\0pa\xFFss"s, "\0"s + std::string(1024, 'u') + "\0p"s,
        "\0u\0"s + std::string(1024, 'p'), std::string(5000, 'x')}) {
    auto r = parsePlain(bad);
    EXPECT_FALSE(r) << testing::PrintToString(bad);
    if (!r) {
      EXPECT_EQ(saslConditionOf(r.error()), SaslCondition::malformedRequest);
    }
  }
}

TEST(Plain, VerifiesAgainstScramStoredKeys) {
  for (ScramHash h : {ScramHash::sha1, ScramHash::sha256}) {
    auto stored = makeScramCredentials(h, "correct horse", 4096);
    ASSERT_TRUE(stored);
    EXPECT_TRUE(verifyPlain("correct horse", *stored));
    EXPECT_FALSE(verifyPlain("correct horsE", *stored));
    EXPECT_FALSE(verifyPlain("", *stored));
    EXPECT_FALSE(verifyPlain("\x07", *stored));  // fails SASLprep
  }
}

TEST(Plain, SaslprepEquivalentPasswordsVerify) {
  auto stored = makeScramCredentials(ScramHash::sha256, "I\xC2\xADX", 4096);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(verifyPlain("IX", *stored));
  EXPECT_TRUE(verifyPlain("\xE2\x85\xA8", *stored));
}

TEST(Plain, BrokenStoredCredentialsNeverVerify) {
  auto stored = makeScramCredentials(ScramHash::sha256, "pw", 4096);
  ASSERT_TRUE(stored);
  ScramCredentials broken = *stored;
  broken.iterations = 0;
  EXPECT_FALSE(verifyPlain("pw", broken));
  broken = *stored;
  broken.storedKey.pop_back();
  EXPECT_FALSE(verifyPlain("pw", broken));
}

}  // namespace
}  // namespace keyfed::xmpp
