// Hex and base64 codecs, the quoted key layout of keynote(1), and where the
// signed bytes of an assertion end.

#include <gtest/gtest.h>

#include <string>

#include "keynote/keys.hpp"

namespace keynote {
namespace {

TEST(Hex, RoundTripsAndWritesLowerCase) {
  const std::string bytes("\x00\x01\x7f\x80\xab\xff", 6);
  EXPECT_EQ(encodeHex(bytes), "00017f80abff");
  EXPECT_EQ(decodeHex("00017f80abff").value(), bytes);
  EXPECT_EQ(decodeHex("00017F80ABFF").value(), bytes);  // upper case is read too
  EXPECT_EQ(decodeHex("").value(), "");
}

TEST(Hex, RefusesOddLengthAndForeignCharacters) {
  auto odd = decodeHex("abc");
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, "bad-encoding");
  EXPECT_NE(odd.error().message.find("odd"), std::string::npos);
  auto bad = decodeHex("00zz");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("offset 2"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(decodeHex("0 11"));
  EXPECT_FALSE(decodeHex("0x11"));
}

TEST(Base64, Rfc4648TestVectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(encodeBase64(plain), encoded);
    EXPECT_EQ(decodeBase64(encoded).value(), plain);
  }
}

TEST(Base64, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n < all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    EXPECT_EQ(decodeBase64(encodeBase64(part)).value(), part);
  }
}

TEST(Base64, RefusesBadPaddingAndCharacters) {
  for (const char* bad : {"Zg", "Zg=", "Zg=a", "Z===", "====", "Zg==Zg==", "Zm9v\n", "Zm 9", "Zm9-",
                          "Zh==", "Zm9=", "Zm8=Zm8="}) {
    auto r = decodeBase64(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, "bad-encoding");
    }
  }
}

TEST(QuotedKey, LayoutMatchesKeynoteOne) {
  // print-offset 2, print-length 12: the first line holds the quote, the
  // prefix and what fits before the `\`; later lines hold 11 characters.
  const std::string out = formatQuoted("rsa-hex:", "0123456789abcdef0123", 2, 12);
  EXPECT_EQ(out,
            "  \"rsa-hex:01\\\n"
            "  23456789abc\\\n"
            "  def0123\"\n");
  // Every line is at most print-length characters after the indentation.
  const std::string longer = formatQuoted("dsa-base64:", std::string(200, 'x'), 12, 50);
  std::size_t start = 0;
  while (start < longer.size()) {
    const std::size_t nl = longer.find('\n', start);
    const std::string line = longer.substr(start, nl - start);
    EXPECT_EQ(line.substr(0, 12), std::string(12, ' '));
    EXPECT_LE(line.size() - 12, 50U) << line;
    start = nl + 1;
  }
}

TEST(QuotedKey, ParsingUndoesTheLayout) {
  const std::string value(333, 'k');
  const std::string file = formatQuoted("private-rsa-hex:", value, 12, 50);
  EXPECT_EQ(parseQuotedKey(file).value(), "private-rsa-hex:" + value);
  EXPECT_EQ(parseQuotedKey("  ed25519-hex:abcd \n").value(), "ed25519-hex:abcd");
  EXPECT_EQ(parseQuotedKey("\"a\\\r\n   b\"").value(), "ab");
  EXPECT_FALSE(parseQuotedKey("\"unterminated"));
  EXPECT_FALSE(parseQuotedKey("\"a\" trailing"));
  EXPECT_FALSE(parseQuotedKey("two words"));
  EXPECT_FALSE(parseQuotedKey("   \n"));
}

TEST(SignedBytes, CoverTheAssertionUpToTheSignatureKeywordPlusTheAlgorithm) {
  const std::string text =
      "\n\n  \nKeyNote-Version: 2\nAuthorizer: \"k\"\nLicensees: \"bob\"\n"
      "Signature: \"sig-rsa-sha1-hex:00\"\n";
  auto bytes = signedBytesOf(text, "sig-rsa-sha1-hex:");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, "KeyNote-Version: 2\nAuthorizer: \"k\"\nLicensees: \"bob\"\nsig-rsa-sha1-hex:");
  // The colon is added when missing.
  EXPECT_EQ(signedBytesOf(text, "sig-rsa-sha1-hex").value(), *bytes);
}

TEST(SignedBytes, CommentsContinuationsAndPrefixFieldNames) {
  const std::string text =
      "# leading comment\nauthorizer: \"k\"\nLicensee: \"a\" ||\n   \"b\"\n# mid\n"
      "C: x == \"1\";\nSig:\n";
  auto field = findSignatureField(text);
  ASSERT_TRUE(field) << field.error().describe();
  EXPECT_EQ(text.substr(field->keyword, 4), "Sig:");
  EXPECT_EQ(field->start, 0U);
  EXPECT_EQ(signedBytesOf(text, "sig-dsa-sha1-hex:").value(),
            text.substr(0, field->keyword) + "sig-dsa-sha1-hex:");
}

TEST(SignedBytes, ErrorsSayWhere) {
  auto none = findSignatureField("Authorizer: \"k\"\nLicensees: \"bob\"\n");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "no-signature");

  auto unknown = findSignatureField("Authorizer: \"k\"\nExpires: soon\nSignature:\n");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "syntax");
  EXPECT_EQ(unknown.error().line, 2);
  EXPECT_EQ(unknown.error().column, 1);

  auto notLast = findSignatureField("Authorizer: \"k\"\nSignature: \"x\"\nComment: late\n");
  ASSERT_FALSE(notLast);
  EXPECT_EQ(notLast.error().line, 3);

  EXPECT_FALSE(findSignatureField(""));
  EXPECT_FALSE(findSignatureField("  Authorizer: \"k\"\nSignature:\n"));  // indented first field
  EXPECT_FALSE(findSignatureField("no colon at all"));
  // A blank line ends the assertion: a Signature after it belongs to the next one.
  EXPECT_FALSE(findSignatureField("Authorizer: \"k\"\n\nSignature:\n"));
}

}  // namespace
}  // namespace keynote
