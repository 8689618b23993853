// Input checks shared by all backends.

#include "keyfed/storage/validate.hpp"

#include <gtest/gtest.h>

namespace keyfed::storage {
namespace {

TEST(Validate, AccountKeysNameTheField) {
  Limits limits;
  auto r = checkAccountKey("", "example.org", limits);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kInvalid);
  EXPECT_EQ(r.error().message, "user is empty");
  EXPECT_EQ(checkAccountKey("a", std::string(1024, 'h'), limits).error().message,
            "host is longer than 1023 bytes");
  EXPECT_EQ(checkAccountKey("a\tb", "h", limits).error().message,
            "user contains a control character");
  EXPECT_TRUE(checkAccountKey(std::string(1023, 'u'), std::string(1023, 'h'), limits).has_value());
}

TEST(Validate, LimitsAreConfigurable) {
  Limits limits;
  limits.jidBytes = 10;
  EXPECT_TRUE(checkJid("a@b.exampl", limits).has_value());
  EXPECT_FALSE(checkJid("a@b.example", limits).has_value());
}

}  // namespace
}  // namespace keyfed::storage
