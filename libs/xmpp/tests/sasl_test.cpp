#include "keyfed/xmpp/sasl.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keyfed::xmpp {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64Encode(plain), encoded);
    auto d = base64Decode(encoded);
    ASSERT_TRUE(d) << encoded;
    EXPECT_EQ(*d, plain);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(*base64Decode(base64Encode(all)), all);
}

TEST(Base64, StrictDecoding) {
  for (const char* bad : {"Zg", "Zg=", "Zm9v\n", " Zm9v",
                          "Zh==", "Zm9=", "Z===", "====", "Zm9v====", "Zg==Zg==", "Zm-v", "Zm_v"}) {
    auto r = base64Decode(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(saslConditionOf(r.error()), SaslCondition::incorrectEncoding);
    }
  }
  EXPECT_FALSE(base64Decode("Zm9vYmFy", 5));
  EXPECT_TRUE(base64Decode("Zm9vYmFy", 6));
}

TEST(SaslPayload, EmptyAndAbsent) {
  auto none = decodeSaslPayload("");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto empty = decodeSaslPayload("=");
  ASSERT_TRUE(empty);
  ASSERT_TRUE(empty->has_value());
  EXPECT_EQ(**empty, "");
  auto data = decodeSaslPayload("Zm9v");
  ASSERT_TRUE(data);
  EXPECT_EQ(**data, "foo");
  EXPECT_FALSE(decodeSaslPayload("Zm9"));
  EXPECT_EQ(encodeSaslPayload(""), "=");
  EXPECT_EQ(encodeSaslPayload("foo"), "Zm9v");
}

// RFC 4013 section 3 examples.
TEST(Saslprep, Rfc4013Examples) {
  EXPECT_EQ(*saslprep("I\xC2\xADX"), "IX");  // soft hyphen mapped to nothing
  EXPECT_EQ(*saslprep("user"), "user");
  EXPECT_EQ(*saslprep("USER"), "USER");        // no case folding
  EXPECT_EQ(*saslprep("\xC2\xAA"), "a");       // NFKC
  EXPECT_EQ(*saslprep("\xE2\x85\xA8"), "IX");  // NFKC
  EXPECT_FALSE(saslprep("\x07"));              // prohibited
  EXPECT_FALSE(
      saslprep("\xD8\xA7"
               "1"));  // bidi violation
  EXPECT_EQ(*saslprep("a\xC2\xA0"
                      "b"),
            "a b");                // non-ASCII space mapped to space
  EXPECT_FALSE(saslprep("\xC3"));  // invalid UTF-8
}

TEST(SaslConditions, NamesRoundTrip) {
  for (int i = 0; i < kSaslConditionCount; ++i) {
    auto c = static_cast<SaslCondition>(i);
    EXPECT_EQ(parseSaslCondition(conditionName(c)), c);
  }
  EXPECT_EQ(conditionName(SaslCondition::notAuthorized), "not-authorized");
  EXPECT_EQ(conditionName(SaslCondition::temporaryAuthFailure), "temporary-auth-failure");
  base::Result<void> r = saslFail(SaslCondition::invalidAuthzid, "x");
  EXPECT_EQ(r.error().code, "sasl.invalid-authzid");
  EXPECT_EQ(saslConditionOf(r.error()), SaslCondition::invalidAuthzid);
  EXPECT_FALSE(saslConditionOf(base::Error{"xml.bad", "", ""}));
}

}  // namespace
}  // namespace keyfed::xmpp
