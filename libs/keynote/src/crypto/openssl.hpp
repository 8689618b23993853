#pragma once
// Owning handles for OpenSSL objects and small helpers around the EVP API.

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

namespace keynote::crypto {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
// Shared so that cached keys can be used by several verifications at once.
using SharedPkey = std::shared_ptr<EVP_PKEY>;

// A byte string that is wiped when it goes away; holds private key material.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
    other.bytes_.clear();
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  [[nodiscard]] std::string_view view() const { return bytes_; }
  std::string& raw() { return bytes_; }

 private:
  void wipe() {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_.clear();
  }
  std::string bytes_;
};

// The big-endian magnitude of a BIGNUM (empty for zero).
std::string bnBytes(const BIGNUM* bn);
// A BIGNUM parameter of a key, as big-endian magnitude; empty on failure.
std::string keyParamBytes(const EVP_PKEY* key, const char* name);
// The most recent OpenSSL error as text (and clear the queue).
std::string lastOpensslError();

// A digest fetched once per process ("SHA1", "MD5", "SHA256", "SHA512");
// null for other names.
const EVP_MD* fetchDigest(const char* name);
// Digest `data` with a named digest ("SHA1", "MD5", "SHA256", "SHA512").
// Empty on failure.
std::string digest(const char* name, std::string_view data);

}  // namespace keynote::crypto
