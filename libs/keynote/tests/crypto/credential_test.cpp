// Whole credentials: signing as `keynote sign` does (key files, Authorizer
// checks, -v) and checking as `keynote sigver` does.

#include <gtest/gtest.h>

#include <string>

#include "keynote/assertion.hpp"
#include "keynote/keys.hpp"
#include "test_keys.hpp"

namespace keynote {
namespace {

using testing::testKey;
using testing::unsignedAssertion;

std::string keyFile(const std::string& key) {
  return formatQuoted("", key, 12, 50);
}

TEST(Credential, SignedWithAKeyFileAndCheckedLikeSigver) {
  const auto& pair = testKey("rsa-base64:");
  const std::string text = unsignedAssertion(pair.publicKey) + "\n";
  auto sig = signCredential(text, "sig-rsa-sha1-hex:", keyFile(pair.privateKey), true);
  ASSERT_TRUE(sig) << sig.error().describe();
  // The signature goes into the Signature field the way keynote sign prints it.
  std::string signedText = text.substr(0, text.size() - 1) + "\n" + formatQuoted("", *sig, 12, 50);
  auto check = verifyCredential(signedText);
  ASSERT_TRUE(check) << check.error().describe();
  EXPECT_EQ(*check, SignatureCheck::Verified);

  // The parser of the library and signedBytesOf agree on the signed bytes.
  auto parsed = parseAssertion(signedText);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(std::string(parsed->signedRegion()) + parsed->signatureAlgorithm,
            signedBytesOf(signedText, "sig-rsa-sha1-hex:").value());

  // A changed licensee no longer verifies.
  std::string tampered = signedText;
  tampered.replace(tampered.find("\"bob\""), 5, "\"eve\"");
  EXPECT_EQ(verifyCredential(tampered).value(), SignatureCheck::BadSignature);
}

TEST(Credential, AuthorizerMustBeAKeyOfTheSignaturesKind) {
  const auto& rsa = testKey("rsa-hex:");
  const auto& dsa = testKey("dsa-hex:");
  auto opaque = signCredential(unsignedAssertion("alice"),
                               "sig-rsa-sha1-hex:", keyFile(rsa.privateKey), false);
  ASSERT_FALSE(opaque);
  EXPECT_EQ(opaque.error().code, "syntax");
  auto mismatch = signCredential(unsignedAssertion(dsa.publicKey),
                                 "sig-rsa-sha1-hex:", keyFile(rsa.privateKey), false);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, "algorithm-mismatch");
}

TEST(Credential, WithoutVerifyAnyKeyOfTheRightKindSigns) {
  // As in keynote(1): without -v the private key is not checked against the
  // Authorizer; with -v the mismatch is caught.
  const auto& a = testKey("ed25519-hex:");
  auto b = generateKey("ed25519-hex:", 256);
  ASSERT_TRUE(b);
  const std::string text = unsignedAssertion(a.publicKey);
  EXPECT_TRUE(signCredential(text, "sig-ed25519-sha512-hex:", keyFile(b->privateKey), false));
  auto checked = signCredential(text, "sig-ed25519-sha512-hex:", keyFile(b->privateKey), true);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, "verify-failed");
}

TEST(Credential, KeyFilesMayBeBareOrQuotedButNotGarbage) {
  const auto& ed = testKey("ed25519-base64:");
  const std::string text = unsignedAssertion(ed.publicKey);
  EXPECT_TRUE(signCredential(text, "sig-ed25519-sha512-base64", ed.privateKey + "\n", true));
  auto garbage = signCredential(text, "sig-ed25519-sha512-base64:", "\"unterminated", true);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, "bad-key");
  auto unknown = signCredential(text, "sig-whatever:", ed.privateKey, true);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "bad-algorithm");
}

TEST(Credential, AssertionsThatCannotBeSignedOrChecked) {
  const auto& ed = testKey("ed25519-hex:");
  auto noField = signCredential("Authorizer: \"" + ed.publicKey + "\"\n",
                                "sig-ed25519-sha512-hex:", ed.privateKey, false);
  ASSERT_FALSE(noField);
  EXPECT_EQ(noField.error().code, "no-signature");
  EXPECT_FALSE(verifyCredential("Nonsense: here\n"));
  // Unsigned and empty signatures do not verify.
  EXPECT_EQ(verifyCredential(unsignedAssertion(ed.publicKey)).value(),
            SignatureCheck::BadSignature);
  EXPECT_EQ(verifyCredential("Authorizer: \"alice\"\nSignature: \"sig-rsa-sha1-hex:00\"\n").value(),
            SignatureCheck::Malformed);
}

TEST(Credential, LocalConstantsNameTheAuthorizer) {
  // The Authorizer may be a Local-Constants name; the signature covers the
  // text as written.
  const auto& ed = testKey("ed25519-hex:");
  const std::string text = "Local-Constants: ME = \"" + ed.publicKey +
                           "\"\nAuthorizer: ME\nLicensees: \"bob\"\nSignature:";
  auto sig = signCredential(text, "sig-ed25519-sha512-hex:", ed.privateKey, true);
  ASSERT_TRUE(sig) << sig.error().describe();
  EXPECT_EQ(verifyCredential(text + " \"" + *sig + "\"\n").value(), SignatureCheck::Verified);
}

}  // namespace
}  // namespace keynote
