#include "dialback_key.hpp"

#include <gtest/gtest.h>

namespace keyfed::modules::s2s {
namespace {

// XEP-0220 section 2.1.2 / 2.2.2: the worked example of XEP-0185's algorithm.
TEST(DialbackKeys, MatchesTheXepExample) {
  DialbackKeys keys("d14lb4ck43v3r");
  EXPECT_EQ(keys.make("capulet.example", "montague.example", "417GAF25"),
            "225cc5aa6a071133249d25fef42ae516fc7a86c523aa1c6980a7f73e784c972d");
}

TEST(DialbackKeys, VerifiesOnlyTheSameInputs) {
  DialbackKeys keys("secret");
  const auto key = keys.make("b.test", "a.test", "id1");
  EXPECT_TRUE(keys.verify("b.test", "a.test", "id1", key));
  EXPECT_TRUE(keys.verify("b.test", "a.test", "id1", "\n  " + key + "\n"));
  EXPECT_FALSE(keys.verify("b.test", "a.test", "id2", key));
  EXPECT_FALSE(keys.verify("a.test", "b.test", "id1", key));
  EXPECT_FALSE(keys.verify("b.test", "a.test", "id1", key.substr(1)));
  EXPECT_FALSE(DialbackKeys("other").verify("b.test", "a.test", "id1", key));
}

TEST(DialbackKeys, AnEmptySecretIsRandomPerInstance) {
  DialbackKeys one(""), two("");
  EXPECT_NE(one.make("b", "a", "id"), two.make("b", "a", "id"));
  EXPECT_EQ(one.make("b", "a", "id"), one.make("b", "a", "id"));
}

}  // namespace
}  // namespace keyfed::modules::s2s
