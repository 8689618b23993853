// defaultCryptoProvider(): canonical identities and the cache of verified
// signatures.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "keynote/crypto_provider.hpp"
#include "keynote/keys.hpp"
#include "test_keys.hpp"

namespace keynote {
namespace {

using testing::testKey;
using testing::unsignedAssertion;

struct Credential {
  std::string bytes;
  std::string authorizer;
  std::string signature;
};

Credential makeCredential(const std::string& family, const std::string& algorithm) {
  const auto& pair = testKey(family);
  const std::string text = unsignedAssertion(pair.publicKey);
  Credential c;
  c.authorizer = pair.publicKey;
  c.signature = signAssertion(text, algorithm, pair.privateKey).value();
  c.bytes = signedBytesOf(text, algorithm).value();
  return c;
}

TEST(Provider, CanonicalKeyNamesKeysNotOpaquePrincipals) {
  const auto& provider = defaultCryptoProvider();
  const auto& pair = testKey("rsa-hex:");
  const auto id = provider.canonicalKey(pair.publicKey);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->rfind("rsa:", 0), 0U);
  EXPECT_EQ(provider.canonicalKey(reencodeKey(pair.publicKey, "rsa-base64:").value()), id);
  EXPECT_FALSE(provider.canonicalKey("POLICY"));
  EXPECT_FALSE(provider.canonicalKey("rsa-hex:nothex"));
  EXPECT_FALSE(provider.canonicalKey(pair.privateKey));
}

TEST(Provider, SecondVerificationOfACredentialIsServedFromTheCache) {
  const Credential c = makeCredential("rsa-hex:", "sig-rsa-sha1-hex:");
  const auto& provider = defaultCryptoProvider();
  clearSignatureCache();

  EXPECT_EQ(provider.verify(c.bytes, c.authorizer, c.signature), SignatureCheck::Verified);
  SignatureCacheStats s = signatureCacheStats();
  EXPECT_EQ(s.verifications, 1U);
  EXPECT_EQ(s.misses, 1U);
  EXPECT_EQ(s.hits, 0U);

  EXPECT_EQ(provider.verify(c.bytes, c.authorizer, c.signature), SignatureCheck::Verified);
  s = signatureCacheStats();
  EXPECT_EQ(s.verifications, 1U) << "the second check must not call into OpenSSL";
  EXPECT_EQ(s.hits, 1U);
  EXPECT_EQ(s.size, 1U);
}

TEST(Provider, ADifferentSignatureKeyOrTextIsNotServedFromTheCache) {
  const Credential c = makeCredential("ed25519-hex:", "sig-ed25519-sha512-hex:");
  const auto& provider = defaultCryptoProvider();
  clearSignatureCache();
  ASSERT_EQ(provider.verify(c.bytes, c.authorizer, c.signature), SignatureCheck::Verified);

  // Other bytes under the same key and signature.
  std::string otherBytes = c.bytes;
  otherBytes[0] = 'k';
  EXPECT_EQ(provider.verify(otherBytes, c.authorizer, c.signature), SignatureCheck::BadSignature);
  EXPECT_EQ(signatureCacheStats().verifications, 2U);

  // Another key.
  auto otherKey = generateKey("ed25519-hex:", 256);
  ASSERT_TRUE(otherKey);
  EXPECT_EQ(provider.verify(c.bytes, otherKey->publicKey, c.signature),
            SignatureCheck::BadSignature);
  EXPECT_EQ(signatureCacheStats().verifications, 3U);

  // Another signature (by the other key over the same bytes).
  auto otherSig = signBytes(c.bytes, "sig-ed25519-sha512-hex:", otherKey->privateKey);
  ASSERT_TRUE(otherSig);
  EXPECT_EQ(provider.verify(c.bytes, c.authorizer, *otherSig), SignatureCheck::BadSignature);
  EXPECT_EQ(signatureCacheStats().verifications, 4U);

  // Negative answers are cached too, and the good one is still there.
  EXPECT_EQ(provider.verify(otherBytes, c.authorizer, c.signature), SignatureCheck::BadSignature);
  EXPECT_EQ(provider.verify(c.bytes, c.authorizer, c.signature), SignatureCheck::Verified);
  const SignatureCacheStats s = signatureCacheStats();
  EXPECT_EQ(s.verifications, 4U);
  EXPECT_EQ(s.hits, 2U);
}

TEST(Provider, InputsDoNotRunTogether) {
  // (bytes, authorizer) split differently must not share a cache entry: the
  // cache key length-prefixes each part.
  const Credential c = makeCredential("ed25519-hex:", "sig-ed25519-sha512-hex:");
  const auto& provider = defaultCryptoProvider();
  clearSignatureCache();
  ASSERT_EQ(provider.verify(c.bytes, c.authorizer, c.signature), SignatureCheck::Verified);
  const std::string shifted = c.bytes + c.authorizer.substr(0, 1);
  EXPECT_EQ(provider.verify(shifted, c.authorizer.substr(1), c.signature),
            SignatureCheck::Malformed);
  EXPECT_EQ(signatureCacheStats().hits, 0U);
}

TEST(Provider, CacheIsBounded) {
  const auto& provider = defaultCryptoProvider();
  clearSignatureCache();
  const Credential c = makeCredential("ed25519-hex:", "sig-ed25519-sha512-hex:");
  ASSERT_EQ(provider.verify(c.bytes, c.authorizer, c.signature), SignatureCheck::Verified);
  // Fill well past the bound with distinct (cheaply refused) credentials.
  for (std::size_t i = 0; i < kSignatureCacheCapacity + 100; ++i) {
    provider.verify("bytes " + std::to_string(i), "alice", "sig-rsa-sha1-hex:00");
  }
  SignatureCacheStats s = signatureCacheStats();
  EXPECT_EQ(s.capacity, kSignatureCacheCapacity);
  EXPECT_EQ(s.size, kSignatureCacheCapacity);
  // The oldest entry was evicted: verifying it again calls OpenSSL again.
  const std::uint64_t before = s.verifications;
  EXPECT_EQ(provider.verify(c.bytes, c.authorizer, c.signature), SignatureCheck::Verified);
  EXPECT_EQ(signatureCacheStats().verifications, before + 1);
}

TEST(Provider, RecentlyUsedEntriesSurviveEviction) {
  const auto& provider = defaultCryptoProvider();
  clearSignatureCache();
  const Credential c = makeCredential("ed25519-hex:", "sig-ed25519-sha512-hex:");
  ASSERT_EQ(provider.verify(c.bytes, c.authorizer, c.signature), SignatureCheck::Verified);
  for (std::size_t i = 0; i < kSignatureCacheCapacity + 100; ++i) {
    if (i % 1000 == 0) provider.verify(c.bytes, c.authorizer, c.signature);  // keep it warm
    provider.verify("bytes " + std::to_string(i), "alice", "sig-rsa-sha1-hex:00");
  }
  const std::uint64_t before = signatureCacheStats().verifications;
  EXPECT_EQ(provider.verify(c.bytes, c.authorizer, c.signature), SignatureCheck::Verified);
  EXPECT_EQ(signatureCacheStats().verifications, before);
}

TEST(Provider, ConcurrentVerificationIsConsistent) {
  const auto& provider = defaultCryptoProvider();
  clearSignatureCache();
  std::vector<Credential> creds = {makeCredential("rsa-hex:", "sig-rsa-sha1-base64:"),
                                   makeCredential("dsa-hex:", "sig-dsa-sha1-hex:"),
                                   makeCredential("ed25519-hex:", "sig-ed25519-sha512-base64:"),
                                   makeCredential("ecdsa-p256-hex:", "sig-ecdsa-p256-sha256-hex:")};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const Credential& c = creds[static_cast<std::size_t>((i + t) % 4)];
        if (provider.verify(c.bytes, c.authorizer, c.signature) != SignatureCheck::Verified) {
          ++wrong;
        }
        if (provider.verify(c.bytes + "x", c.authorizer, c.signature) !=
            SignatureCheck::BadSignature) {
          ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(signatureCacheStats().verifications, 4U * 2U * 4U);  // at most once per thread race
}

}  // namespace
}  // namespace keynote
