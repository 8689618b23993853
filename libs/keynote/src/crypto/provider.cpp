// defaultCryptoProvider(): canonical key identities and signature checks,
// with a bounded cache of verification results so that a credential seen
// again is not verified again.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "crypto/key_codec.hpp"
#include "crypto/lru_cache.hpp"
#include "crypto/names.hpp"
#include "crypto/schemes.hpp"
#include "crypto/verify.hpp"
#include "keynote/keys.hpp"

namespace keynote {
namespace crypto {
namespace {

constexpr std::size_t kKeyCacheCapacity = 1024;

std::atomic<std::uint64_t> gVerifications{0};

// OpenSSL keys by canonical identity: building an EVP_PKEY costs more than
// the hashing around it, and the same authorizer signs many credentials.
class KeyCache {
 public:
  Outcome<SharedPkey> get(const PublicKey& key) {
    const std::string id = key.canonical();
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (auto hit = cache_.get(id)) return *hit;
    }
    auto built = toEvp(key);
    if (!built) return built.error();
    const std::lock_guard<std::mutex> lock(mutex_);
    cache_.put(id, built.value());
    return built;
  }
  void clear() {
    const std::lock_guard<std::mutex> lock(mutex_);
    cache_.clear();
  }

 private:
  std::mutex mutex_;
  LruCache<std::string, SharedPkey> cache_{kKeyCacheCapacity};
};

KeyCache& keyCache() {
  static KeyCache cache;
  return cache;
}

// Results by SHA-256 over the three inputs, each length-prefixed so that no
// two different triples hash the same input.
class ResultCache {
 public:
  static std::string keyFor(std::string_view bytes, std::string_view authorizer,
                            std::string_view signature) {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::string out(32, '\0');
    unsigned int len = 0;
    bool ok = ctx && EVP_DigestInit_ex(ctx.get(), fetchDigest("SHA256"), nullptr) == 1;
    for (const std::string_view part : {bytes, authorizer, signature}) {
      const std::uint64_t size = part.size();
      unsigned char prefix[8];
      for (int i = 0; i < 8; ++i) prefix[i] = static_cast<unsigned char>(size >> (8U * i));
      ok = ok && EVP_DigestUpdate(ctx.get(), prefix, sizeof prefix) == 1 &&
           EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
    }
    ok = ok &&
         EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) == 1;
    if (!ok) return {};
    return out;
  }

  std::optional<SignatureCheck> find(const std::string& key) {
    const std::lock_guard<std::mutex> lock(mutex_);
    auto hit = cache_.get(key);
    if (hit) {
      ++hits_;
    } else {
      ++misses_;
    }
    return hit;
  }
  void store(std::string key, SignatureCheck result) {
    const std::lock_guard<std::mutex> lock(mutex_);
    cache_.put(std::move(key), result);
  }
  SignatureCacheStats stats() {
    const std::lock_guard<std::mutex> lock(mutex_);
    SignatureCacheStats s;
    s.hits = hits_;
    s.misses = misses_;
    s.verifications = gVerifications.load();
    s.size = cache_.size();
    s.capacity = cache_.capacity();
    return s;
  }
  void clear() {
    const std::lock_guard<std::mutex> lock(mutex_);
    cache_.clear();
    hits_ = 0;
    misses_ = 0;
    gVerifications.store(0);
  }

 private:
  std::mutex mutex_;
  LruCache<std::string, SignatureCheck> cache_{kSignatureCacheCapacity};
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

ResultCache& resultCache() {
  static ResultCache cache;
  return cache;
}

class DefaultProvider final : public CryptoProvider {
 public:
  std::optional<std::string> canonicalKey(std::string_view principal) const override {
    const auto name = parseKeyName(principal);
    if (!name || name->isPrivate) return std::nullopt;  // cheap exit for "alice"
    auto key = decodePublicKey(principal);
    if (!key) return std::nullopt;
    return key->canonical();
  }

  SignatureCheck verify(std::string_view signedBytes, std::string_view authorizer,
                        std::string_view signature) const override {
    std::string key = ResultCache::keyFor(signedBytes, authorizer, signature);
    if (key.empty()) return verifyUncached(signedBytes, authorizer, signature);
    if (auto hit = resultCache().find(key)) return *hit;
    const SignatureCheck result = verifyUncached(signedBytes, authorizer, signature);
    resultCache().store(std::move(key), result);
    return result;
  }
};

}  // namespace

SignatureCheck verifyUncached(std::string_view signedBytes, std::string_view authorizer,
                              std::string_view signature) {
  if (signature.size() > kMaxKeyTextLength || authorizer.size() > kMaxKeyTextLength) {
    return SignatureCheck::Malformed;
  }
  const auto name = parseSigName(signature);
  if (!name) {
    return isUnsupportedSigName(signature) ? SignatureCheck::Unsupported
                                           : SignatureCheck::Malformed;
  }
  auto key = decodePublicKey(authorizer);
  if (!key) return SignatureCheck::Malformed;
  if (!schemeFitsKey(name->scheme, key->family)) return SignatureCheck::AlgorithmMismatch;
  auto bits = decodeBits(signature.substr(name->length), name->encoding, "signature");
  if (!bits || bits->empty()) return SignatureCheck::Malformed;
  auto pkey = keyCache().get(key.value());
  if (!pkey) return SignatureCheck::Malformed;
  gVerifications.fetch_add(1, std::memory_order_relaxed);
  return verifyWith(name->scheme, pkey->get(), signedBytes, bits.value());
}

}  // namespace crypto

const CryptoProvider& defaultCryptoProvider() {
  static const crypto::DefaultProvider provider;
  return provider;
}

SignatureCacheStats signatureCacheStats() {
  return crypto::resultCache().stats();
}

void clearSignatureCache() {
  crypto::resultCache().clear();
}

void clearKeyCache() {
  crypto::keyCache().clear();
}

}  // namespace keynote
