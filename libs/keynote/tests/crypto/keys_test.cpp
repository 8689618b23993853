// Key principals: generation, canonical identities across encodings, and
// hostile keys that must be refused without crashing.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "keynote/keys.hpp"
#include "test_keys.hpp"

namespace keynote {
namespace {

using testing::testKey;

// Minimal DER writer for building hostile keys in tests.
std::string tlv(unsigned char tag, const std::string& content) {
  std::string out(1, static_cast<char>(tag));
  const std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<char>(n));
  } else if (n < 0x100) {
    out += "\x81";
    out.push_back(static_cast<char>(n));
  } else {
    out += "\x82";
    out.push_back(static_cast<char>(n >> 8U));
    out.push_back(static_cast<char>(n & 0xFFU));
  }
  return out + content;
}
std::string integer(const std::string& magnitude) {
  return tlv(0x02, magnitude);
}
std::string sequence(const std::string& content) {
  return tlv(0x30, content);
}
std::string rsaKey(const std::string& n, const std::string& e) {
  return "rsa-hex:" + encodeHex(sequence(integer(n) + integer(e)));
}
// A positive odd modulus of `bytes` bytes (leading 0x00 keeps it positive).
std::string modulus(std::size_t bytes) {
  return std::string(1, '\0') + std::string(bytes, '\xC3');
}

TEST(Keys, EveryFamilyGeneratesAndItsPrivateKeyGivesBackThePublicKey) {
  for (const char* algorithm :
       {"rsa-hex:", "rsa-base64:", "dsa-hex:", "dsa-base64:", "ed25519-hex:", "ed25519-base64:",
        "ecdsa-p256-hex:", "ecdsa-p256-base64:"}) {
    SCOPED_TRACE(algorithm);
    const int bits =
        std::string(algorithm).rfind("rsa", 0) == 0 || std::string(algorithm).rfind("dsa", 0) == 0
            ? 1024
            : 256;
    auto pair = generateKey(algorithm, bits);
    ASSERT_TRUE(pair) << pair.error().describe();
    EXPECT_EQ(pair->publicKey.rfind(algorithm, 0), 0U);
    EXPECT_EQ(pair->privateKey.rfind(std::string("private-") + algorithm, 0), 0U);
    EXPECT_EQ(classifyPrincipal(pair->publicKey), PrincipalKind::Key);
    auto derived = publicKeyOf(pair->privateKey, algorithm);
    ASSERT_TRUE(derived) << derived.error().describe();
    EXPECT_EQ(*derived, pair->publicKey);
    // Private keys round-trip through the other encoding.
    std::string family(algorithm);
    family = family.substr(0, family.rfind('-'));
    const bool hex = std::string(algorithm).find("-hex") != std::string::npos;
    auto other = reencodeKey(pair->privateKey, "private-" + family + (hex ? "-base64:" : "-hex:"));
    ASSERT_TRUE(other) << other.error().describe();
    auto back = reencodeKey(*other, std::string("private-") + algorithm);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, pair->privateKey);
  }
}

TEST(Keys, X509KeysAreSelfSignedCertificatesAroundRsaKeys) {
  const auto& pair = testKey("x509-base64:");
  EXPECT_EQ(pair.publicKey.rfind("x509-base64:", 0), 0U);
  EXPECT_EQ(pair.privateKey.rfind("private-x509-base64:", 0), 0U);
  EXPECT_EQ(classifyPrincipal(pair.publicKey), PrincipalKind::Key);
  // A certificate is not derivable from the private key, its RSA key is.
  EXPECT_FALSE(publicKeyOf(pair.privateKey));
  auto bare = publicKeyOf(pair.privateKey, "rsa-base64:");
  ASSERT_TRUE(bare);
  // The identity of a certificate is the RSA key it certifies (as in the
  // classic implementation, which compares certificates as RSA keys).
  EXPECT_EQ(canonicalKeyOf(pair.publicKey).value(), canonicalKeyOf(*bare).value());
  EXPECT_TRUE(sameKey(pair.publicKey, *bare));
}

TEST(Keys, DefaultAlgorithmIsEd25519) {
  for (const char* name : {"", "default", "DEFAULT:", "default:"}) {
    auto pair = generateKey(name, 256);
    ASSERT_TRUE(pair) << name;
    EXPECT_EQ(pair->publicKey.rfind("ed25519-hex:", 0), 0U);
    EXPECT_EQ(pair->publicKey.size(), std::string("ed25519-hex:").size() + 64);
  }
}

TEST(Keys, GenerationRefusesBadArguments) {
  EXPECT_EQ(generateKey("rsa-hex:", 512).error().code, "bad-argument");
  EXPECT_EQ(generateKey("rsa-hex:", 20000).error().code, "bad-argument");
  EXPECT_EQ(generateKey("dsa-hex:", 4096).error().code, "bad-argument");
  EXPECT_EQ(generateKey("ed25519-hex:", 4096).error().code, "bad-argument");
  EXPECT_EQ(generateKey("ecdsa-p256-hex:", 384).error().code, "bad-argument");
  EXPECT_EQ(generateKey("binary-hex:", 128).error().code, "bad-argument");
  EXPECT_EQ(generateKey("elgamal-hex:", 1024).error().code, "bad-argument");
  EXPECT_EQ(generateKey("private-rsa-hex:", 1024).error().code, "bad-argument");
  EXPECT_EQ(generateKey("rsa-hexx:", 1024).error().code, "bad-argument");
}

TEST(Keys, HexAndBase64OfOneKeyAreOnePrincipal) {
  for (const char* family : {"rsa", "dsa", "x509", "ed25519", "ecdsa-p256"}) {
    SCOPED_TRACE(family);
    const auto& pair = testKey(std::string(family) + "-hex:");
    auto b64 = reencodeKey(pair.publicKey, std::string(family) + "-base64:");
    ASSERT_TRUE(b64) << b64.error().describe();
    EXPECT_NE(*b64, pair.publicKey);
    EXPECT_TRUE(sameKey(pair.publicKey, *b64));
    EXPECT_EQ(canonicalKeyOf(pair.publicKey).value(), canonicalKeyOf(*b64).value());
    EXPECT_EQ(defaultCryptoProvider().canonicalKey(pair.publicKey),
              defaultCryptoProvider().canonicalKey(*b64));

    // Upper-case hex digits and algorithm names name the same key.
    std::string upper = pair.publicKey;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(sameKey(pair.publicKey, upper)) << upper.substr(0, 20);
  }
}

TEST(Keys, DifferentKeysAndFamiliesAreDifferentPrincipals) {
  const auto& a = testKey("rsa-hex:");
  auto b = generateKey("rsa-hex:", 1024);
  ASSERT_TRUE(b);
  EXPECT_FALSE(sameKey(a.publicKey, b->publicKey));
  const auto& x = testKey("x509-hex:");
  EXPECT_FALSE(sameKey(x.publicKey, a.publicKey));
  // Binary keys compare bytewise across encodings.
  EXPECT_TRUE(sameKey("binary-hex:666f6f", "binary-base64:Zm9v"));
  EXPECT_FALSE(sameKey("binary-hex:666f6f", "binary-hex:666f70"));
}

TEST(Keys, OpaquePrincipalsAreComparedAsStrings) {
  EXPECT_EQ(classifyPrincipal("alice"), PrincipalKind::Opaque);
  EXPECT_EQ(classifyPrincipal("POLICY"), PrincipalKind::Opaque);
  EXPECT_EQ(classifyPrincipal("rsa:abc"), PrincipalKind::Opaque);
  EXPECT_EQ(classifyPrincipal("private-rsa-hex:00"), PrincipalKind::Opaque);
  EXPECT_FALSE(defaultCryptoProvider().canonicalKey("alice"));
  EXPECT_TRUE(sameKey("alice", "alice"));
  EXPECT_FALSE(sameKey("alice", "Alice"));
  EXPECT_EQ(canonicalKeyOf("alice").error().code, "not-a-key");
}

TEST(Keys, MalformedKeysAreErrorsNotCrashes) {
  const std::string n1024 = modulus(128);
  const std::string e("\x01\x00\x01", 3);
  ASSERT_EQ(classifyPrincipal(rsaKey(n1024, e)), PrincipalKind::Key);
  const std::string malformed[] = {
      "rsa-hex:",
      "rsa-hex:abc",      // odd length
      "rsa-hex:zz",       // not hex
      "rsa-base64:abc",   // not a multiple of 4
      "rsa-base64:AAA=",  // bad padding bits / not DER
      "rsa-base64:MA==",  // truncated DER
      "dsa-hex:3000",     // empty SEQUENCE
      "ed25519-hex:00",   // too short
      "ed25519-hex:" + std::string(66, 'a'),
      "ecdsa-p256-hex:3000",
      "x509-hex:30820000",
      "binary-hex:",
      "binary-base64:Zg=",
      rsaKey(n1024, e) + "00",  // trailing byte
      "rsa-hex:" + encodeHex(sequence(integer(n1024) + integer(e)) + std::string(1, '\0')),
      rsaKey(std::string(1, '\0') + n1024, e),                // non-minimal integer
      rsaKey(modulus(2049), e),                               // 16392-bit modulus
      rsaKey(modulus(32), e),                                 // 264-bit modulus
      rsaKey(n1024.substr(0, n1024.size() - 1) + "\xC2", e),  // even modulus
      rsaKey(n1024, "\x01"),                                  // e = 1
      rsaKey(n1024, "\x02"),                                  // even e
      rsaKey(n1024, std::string(9, '\x03')),                  // 72-bit e
      rsaKey(n1024, "\x80\x01"),                              // negative e
      // Long-form length where the short form fits (non-DER).
      "rsa-hex:" + encodeHex(std::string("\x30\x81\x05\x02\x01\x03\x02\x01\x03", 9)),
      // Indefinite length (BER only).
      "rsa-hex:" + encodeHex(std::string("\x30\x80\x02\x01\x03\x02\x01\x03\x00\x00", 10)),
      // A length that runs past the end.
      "rsa-hex:" + encodeHex(std::string("\x30\x84\x7f\xff\xff\xff\x02\x01", 8)),
  };
  int index = 0;
  for (const auto& key : malformed) {
    SCOPED_TRACE("malformed[" + std::to_string(index++) + "] " + key.substr(0, 60));
    EXPECT_EQ(classifyPrincipal(key), PrincipalKind::MalformedKey);
    EXPECT_FALSE(defaultCryptoProvider().canonicalKey(key));
    auto canonical = canonicalKeyOf(key);
    ASSERT_FALSE(canonical);
    EXPECT_TRUE(canonical.error().code == "bad-key" || canonical.error().code == "bad-encoding")
        << canonical.error().describe();
    EXPECT_FALSE(sameKey(key, key));  // a malformed key is nobody
    EXPECT_EQ(verifySignature("x", key, "sig-rsa-sha1-hex:00"), SignatureCheck::Malformed);
  }
}

TEST(Keys, HostileDsaParametersAreRefused) {
  const auto& pair = testKey("dsa-hex:");
  const std::string der = decodeHex(pair.publicKey.substr(8)).value();
  ASSERT_EQ(classifyPrincipal(pair.publicKey), PrincipalKind::Key);
  // Same shape, but q of 100 bits, or g = 1.
  const std::string p(1, '\0');
  const std::string bigP = std::string(1, '\0') + std::string(128, '\xA5');
  const std::string q100 = std::string(12, '\x55') + "\x0f";
  const std::string q160(20, '\x55');
  EXPECT_EQ(classifyPrincipal("dsa-hex:" + encodeHex(sequence(integer("\x05") + integer(bigP) +
                                                              integer(q100) + integer("\x02")))),
            PrincipalKind::MalformedKey);
  EXPECT_EQ(classifyPrincipal("dsa-hex:" + encodeHex(sequence(integer("\x05") + integer(bigP) +
                                                              integer(q160) + integer("\x01")))),
            PrincipalKind::MalformedKey);
  EXPECT_EQ(
      classifyPrincipal("dsa-hex:" + encodeHex(sequence(integer("\x05") + integer(bigP) +
                                                        integer(q160 + "\x01") + integer("\x02")))),
      PrincipalKind::MalformedKey);
  // An oversized prime.
  const std::string hugeP = std::string(1, '\0') + std::string(1100, '\xA5');
  EXPECT_EQ(
      classifyPrincipal("dsa-hex:" + encodeHex(sequence(integer("\x05") + integer(hugeP) +
                                                        integer(q160 + "\x01") + integer("\x02")))),
      PrincipalKind::MalformedKey);
}

TEST(Keys, OversizedTextIsRefusedBeforeDecoding) {
  const std::string huge = "rsa-hex:" + std::string(kMaxKeyTextLength + 2, 'a');
  auto r = canonicalKeyOf(huge);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "limit");
}

TEST(Keys, MalformedPrivateKeysAreErrors) {
  const auto& ed = testKey("ed25519-hex:");
  for (const std::string& bad :
       {std::string("private-rsa-hex:00"), std::string("private-rsa-hex:zz"),
        std::string("private-dsa-base64:AAAA"), std::string("private-ed25519-hex:0011"),
        std::string("private-ecdsa-p256-hex:3000"), std::string("rsa-hex:00"),
        std::string("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
        ed.privateKey + "00"}) {
    SCOPED_TRACE(bad.substr(0, 40));
    auto sig = signBytes("x", "sig-ed25519-sha512-hex:", bad);
    EXPECT_FALSE(sig);
    EXPECT_FALSE(publicKeyOf(bad));
  }
  // A private key of another family is named as such.
  auto wrong = signBytes("x", "sig-rsa-sha1-hex:", ed.privateKey);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "algorithm-mismatch");
}

TEST(Keys, MutatedKeysAndSignaturesNeverCrash) {
  // Random truncations and byte flips of valid keys and signatures (run under
  // ASan/UBSan in the test build): every outcome is a value, never a crash.
  std::mt19937 rng(2704);
  const std::string bytes = "Authorizer: \"k\"\nsig-x:";
  for (const char* family :
       {"rsa-hex:", "dsa-hex:", "x509-hex:", "ed25519-hex:", "ecdsa-p256-hex:"}) {
    const auto& pair = testKey(family);
    const std::string der = decodeHex(pair.publicKey.substr(pair.publicKey.find(':') + 1)).value();
    const std::string priv =
        decodeHex(pair.privateKey.substr(pair.privateKey.find(':') + 1)).value();
    for (int i = 0; i < 300; ++i) {
      std::string mutated = der;
      std::string mutatedPriv = priv;
      switch (rng() % 3) {
        case 0: mutated.resize(rng() % (mutated.size() + 1)); break;
        case 1: mutated[rng() % mutated.size()] ^= static_cast<char>(1U << (rng() % 8)); break;
        default: mutated.insert(rng() % (mutated.size() + 1), 1, static_cast<char>(rng())); break;
      }
      mutatedPriv[rng() % mutatedPriv.size()] ^= static_cast<char>(1U << (rng() % 8));
      const std::string key = std::string(family) + encodeHex(mutated);
      (void)classifyPrincipal(key);
      (void)canonicalKeyOf(key);
      (void)verifySignature(bytes, key, "sig-rsa-sha1-hex:" + encodeHex(mutated));
      const std::string privateKey = "private-" + std::string(family) + encodeHex(mutatedPriv);
      (void)signBytes(bytes, "sig-ed25519-sha512-hex:", privateKey);
      (void)publicKeyOf(privateKey);
    }
  }
  SUCCEED();
}

TEST(Keys, ReencodeRefusesOtherFamilies) {
  const auto& rsa = testKey("rsa-hex:");
  EXPECT_EQ(reencodeKey(rsa.publicKey, "dsa-hex:").error().code, "algorithm-mismatch");
  EXPECT_EQ(reencodeKey(rsa.publicKey, "private-rsa-hex:").error().code, "algorithm-mismatch");
  EXPECT_EQ(reencodeKey(rsa.publicKey, "nonsense:").error().code, "bad-algorithm");
  EXPECT_EQ(reencodeKey("alice", "rsa-hex:").error().code, "not-a-key");
  EXPECT_EQ(reencodeKey(rsa.publicKey, "RSA-BASE64").value().rfind("rsa-base64:", 0), 0U);
}

}  // namespace
}  // namespace keynote
