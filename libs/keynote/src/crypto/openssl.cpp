#include "crypto/openssl.hpp"

#include <openssl/err.h>

namespace keynote::crypto {

std::string bnBytes(const BIGNUM* bn) {
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  if (!out.empty()) BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string keyParamBytes(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return {};
  const BnPtr owned(bn);
  return bnBytes(bn);
}

std::string lastOpensslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

const EVP_MD* fetchDigest(const char* name) {
  // Fetching is slow in OpenSSL 3 (a locked lookup per call), so each digest
  // is fetched once and kept for the life of the process.
  struct Digests {
    EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    EVP_MD* md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
    EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  };
  static const Digests digests;
  const std::string_view n(name);
  if (n == "SHA1") return digests.sha1;
  if (n == "MD5") return digests.md5;
  if (n == "SHA256") return digests.sha256;
  if (n == "SHA512") return digests.sha512;
  return nullptr;
}

std::string digest(const char* name, std::string_view data) {
  const EVP_MD* md = fetchDigest(name);
  if (md == nullptr) return {};
  std::string out(static_cast<std::size_t>(EVP_MD_get_size(md)), '\0');
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, md,
                 nullptr) != 1) {
    return {};
  }
  out.resize(len);
  return out;
}

}  // namespace keynote::crypto
