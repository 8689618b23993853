// Signing and verifying with every algorithm, across encodings, and the ways
// a signature must fail.

#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "keynote/keys.hpp"
#include "test_keys.hpp"

namespace keynote {
namespace {

using testing::testKey;
using testing::unsignedAssertion;

struct Case {
  const char* keyAlgorithm;  // how the authorizer is written
  const char* sigAlgorithm;
};

class SignVerify : public ::testing::TestWithParam<Case> {};

// The key family's generated pair, with the public key re-encoded as the
// case asks (so hex keys meet base64 signatures and the other way round).
std::string authorizerFor(const Case& c) {
  std::string family(c.keyAlgorithm);
  family = family.substr(0, family.rfind('-')) + "-hex:";
  const auto& pair = testKey(family);
  auto reencoded = reencodeKey(pair.publicKey, c.keyAlgorithm);
  EXPECT_TRUE(reencoded) << reencoded.error().describe();
  return reencoded ? reencoded.value() : std::string();
}

std::string privateFor(const Case& c) {
  std::string family(c.keyAlgorithm);
  family = family.substr(0, family.rfind('-')) + "-hex:";
  return testKey(family).privateKey;
}

TEST_P(SignVerify, SignedAssertionVerifiesAndTamperingIsDetected) {
  const Case c = GetParam();
  const std::string authorizer = authorizerFor(c);
  const std::string text = unsignedAssertion(authorizer);
  auto sig = signAssertion(text, c.sigAlgorithm, privateFor(c));
  ASSERT_TRUE(sig) << sig.error().describe();
  EXPECT_EQ(sig->rfind(c.sigAlgorithm, 0), 0U) << *sig;

  // The signed credential, as a user would send it.
  const std::string credential = text + " \"" + *sig + "\"\n";
  auto bytes = signedBytesOf(credential, c.sigAlgorithm);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(verifySignature(*bytes, authorizer, *sig), SignatureCheck::Verified);

  // Any change to the signed text breaks the signature.
  std::string tampered = *bytes;
  tampered[tampered.find("bob")] = 'B';
  EXPECT_EQ(verifySignature(tampered, authorizer, *sig), SignatureCheck::BadSignature);

  // So does a change to the signature bits.
  std::string badSig = *sig;
  char& digit = badSig[badSig.size() - 3];
  digit = digit == '0' ? '1' : '0';  // another value in hex and in base64
  EXPECT_NE(verifySignature(*bytes, authorizer, badSig), SignatureCheck::Verified);

  // And the signature of one key does not verify under another key of the
  // same kind.
  auto other =
      generateKey(c.keyAlgorithm, std::string(c.keyAlgorithm).rfind("rsa", 0) == 0 ||
                                          std::string(c.keyAlgorithm).rfind("dsa", 0) == 0 ||
                                          std::string(c.keyAlgorithm).rfind("x509", 0) == 0
                                      ? 1024
                                      : 256);
  ASSERT_TRUE(other);
  EXPECT_EQ(verifySignature(*bytes, other->publicKey, *sig), SignatureCheck::BadSignature);
}

INSTANTIATE_TEST_SUITE_P(
    AllAlgorithms, SignVerify,
    ::testing::Values(
        Case{"rsa-hex:", "sig-rsa-sha1-hex:"}, Case{"rsa-base64:", "sig-rsa-sha1-hex:"},
        Case{"rsa-hex:", "sig-rsa-sha1-base64:"}, Case{"rsa-base64:", "sig-rsa-md5-base64:"},
        Case{"rsa-hex:", "sig-rsa-md5-hex:"}, Case{"rsa-hex:", "sig-rsa-sha256-base64:"},
        Case{"rsa-base64:", "sig-rsa-sha256-hex:"}, Case{"dsa-hex:", "sig-dsa-sha1-hex:"},
        Case{"dsa-base64:", "sig-dsa-sha1-hex:"}, Case{"dsa-hex:", "sig-dsa-sha1-base64:"},
        Case{"x509-hex:", "sig-x509-sha1-hex:"}, Case{"x509-base64:", "sig-x509-sha1-base64:"},
        Case{"x509-hex:", "sig-x509-sha256-base64:"}, Case{"x509-base64:", "sig-x509-sha512-hex:"},
        Case{"x509-hex:", "sig-rsa-sha1-hex:"}, Case{"ed25519-hex:", "sig-ed25519-sha512-hex:"},
        Case{"ed25519-base64:", "sig-ed25519-sha512-hex:"},
        Case{"ed25519-hex:", "sig-ed25519-sha512-base64:"},
        Case{"ecdsa-p256-hex:", "sig-ecdsa-p256-sha256-hex:"},
        Case{"ecdsa-p256-base64:", "sig-ecdsa-p256-sha256-base64:"}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = std::string(info.param.keyAlgorithm) + "_" + info.param.sigAlgorithm;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

TEST(Signature, RsaSignaturesAreDeterministic) {
  const auto& pair = testKey("rsa-hex:");
  const std::string text = unsignedAssertion(pair.publicKey);
  EXPECT_EQ(signAssertion(text, "sig-rsa-sha1-hex:", pair.privateKey).value(),
            signAssertion(text, "sig-rsa-sha1-hex:", pair.privateKey).value());
}

TEST(Signature, AnRsaKeyMaySignForItsX509CertificateAndTheOtherWayRound) {
  // The classic implementation lets sig-rsa-* and sig-x509-* cross over.
  const auto& x509 = testKey("x509-hex:");
  auto rsaPublic = publicKeyOf(x509.privateKey, "rsa-hex:");
  ASSERT_TRUE(rsaPublic) << rsaPublic.error().describe();
  const std::string bytes = "Authorizer: \"k\"\nsig-x509-sha1-hex:";
  auto sig = signBytes(bytes, "sig-x509-sha1-hex:", x509.privateKey);
  ASSERT_TRUE(sig);
  EXPECT_EQ(verifySignature(bytes, *rsaPublic, *sig), SignatureCheck::Verified);
  EXPECT_EQ(verifySignature(bytes, x509.publicKey, *sig), SignatureCheck::Verified);
}

TEST(Signature, AlgorithmNamesAreCaseInsensitiveAndTheNameAsWrittenIsSigned) {
  const auto& pair = testKey("ed25519-hex:");
  const std::string text = unsignedAssertion(pair.publicKey);
  auto sig = signAssertion(text, "SIG-Ed25519-SHA512-HEX:", pair.privateKey);
  ASSERT_TRUE(sig) << sig.error().describe();
  EXPECT_EQ(sig->rfind("SIG-Ed25519-SHA512-HEX:", 0), 0U);
  const std::string credential = text + " \"" + *sig + "\"\n";
  auto bytes = signedBytesOf(credential, "SIG-Ed25519-SHA512-HEX:");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(verifySignature(*bytes, pair.publicKey, *sig), SignatureCheck::Verified);
  // Bytes that carry the name in another case are different bytes.
  auto lower = signedBytesOf(credential, "sig-ed25519-sha512-hex:");
  EXPECT_EQ(verifySignature(*lower, pair.publicKey, *sig), SignatureCheck::BadSignature);
}

TEST(Signature, MismatchedAlgorithmAndKeyAreRefused) {
  const auto& rsa = testKey("rsa-hex:");
  const auto& dsa = testKey("dsa-hex:");
  const auto& ed = testKey("ed25519-hex:");
  const std::string text = unsignedAssertion(rsa.publicKey);

  auto wrongPrivate = signAssertion(text, "sig-dsa-sha1-hex:", rsa.privateKey);
  ASSERT_FALSE(wrongPrivate);
  EXPECT_EQ(wrongPrivate.error().code, "algorithm-mismatch");

  auto rsaSig = signAssertion(text, "sig-rsa-sha1-hex:", rsa.privateKey);
  ASSERT_TRUE(rsaSig);
  const std::string bytes = signedBytesOf(text, "sig-rsa-sha1-hex:").value();
  EXPECT_EQ(verifySignature(bytes, dsa.publicKey, *rsaSig), SignatureCheck::AlgorithmMismatch);
  EXPECT_EQ(verifySignature(bytes, ed.publicKey, *rsaSig), SignatureCheck::AlgorithmMismatch);
  EXPECT_EQ(verifySignature(bytes, "binary-hex:0102", *rsaSig), SignatureCheck::AlgorithmMismatch);

  // A DSA signature relabelled as RSA is not an RSA signature.
  auto dsaSig = signBytes(bytes, "sig-dsa-sha1-hex:", dsa.privateKey);
  ASSERT_TRUE(dsaSig);
  const std::string relabelled = "sig-rsa-sha1-hex:" + dsaSig->substr(dsaSig->find(':') + 1);
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, relabelled), SignatureCheck::BadSignature);
}

TEST(Signature, MalformedAndUnsupportedSignatures) {
  const auto& rsa = testKey("rsa-hex:");
  const std::string bytes = "x";
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, "sig-elgamal-sha1-hex:00"),
            SignatureCheck::Unsupported);
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, "sig-pgp:abc"), SignatureCheck::Unsupported);
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, "sig-rot13-hex:00"), SignatureCheck::Malformed);
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, ""), SignatureCheck::Malformed);
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, "sig-rsa-sha1-hex:"), SignatureCheck::Malformed);
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, "sig-rsa-sha1-hex:abc"),
            SignatureCheck::Malformed);
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, "sig-rsa-sha1-hex:zz"),
            SignatureCheck::Malformed);
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, "sig-rsa-sha1-base64:AAA"),
            SignatureCheck::Malformed);
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, "sig-rsa-sha1-base64:AA=A"),
            SignatureCheck::Malformed);
  // Well-formed text but the wrong length for this modulus.
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey, "sig-rsa-sha1-hex:0011"),
            SignatureCheck::BadSignature);
  // The authorizer is not a key at all.
  EXPECT_EQ(verifySignature(bytes, "alice", "sig-rsa-sha1-hex:0011"), SignatureCheck::Malformed);
  EXPECT_EQ(verifySignature(bytes, "rsa-hex:0011", "sig-rsa-sha1-hex:0011"),
            SignatureCheck::Malformed);
  // Huge signature text is refused before decoding.
  EXPECT_EQ(verifySignature(bytes, rsa.publicKey,
                            "sig-rsa-sha1-hex:" + std::string(kMaxKeyTextLength + 2, 'a')),
            SignatureCheck::Malformed);
}

TEST(Signature, SigningErrorsNameTheProblem) {
  const auto& ed = testKey("ed25519-hex:");
  const std::string text = unsignedAssertion(ed.publicKey);
  auto unknown = signAssertion(text, "sig-foo-hex:", ed.privateKey);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "bad-algorithm");
  auto unsupported = signAssertion(text, "sig-elgamal-sha1-hex:", ed.privateKey);
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().code, "unsupported");
  auto publicAsPrivate = signAssertion(text, "sig-ed25519-sha512-hex:", ed.publicKey);
  ASSERT_FALSE(publicAsPrivate);
  EXPECT_EQ(publicAsPrivate.error().code, "bad-key");
  auto noSignatureField = signAssertion("Authorizer: \"x\"\nLicensees: \"y\"\n",
                                        "sig-ed25519-sha512-hex:", ed.privateKey);
  ASSERT_FALSE(noSignatureField);
  EXPECT_EQ(noSignatureField.error().code, "no-signature");
}

}  // namespace
}  // namespace keynote
