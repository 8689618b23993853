// Key generation for keynote keygen and generateKey().

#include <openssl/core_names.h>
#include <openssl/rand.h>

#include <string>
#include <string_view>

#include "crypto/key_codec.hpp"
#include "keynote/keys.hpp"

namespace keynote {
namespace {

using crypto::KeyFamily;
using crypto::PkeyCtxPtr;
using crypto::PkeyPtr;

constexpr int kMinRsaGenerateBits = 1024;
constexpr int kMinDsaGenerateBits = 1024;
constexpr int kMaxDsaGenerateBits = 3072;
constexpr long kCertificateDays = 3650;

Error keygenError(const std::string& what) {
  return makeError("keygen-failed", what + ": " + crypto::lastOpensslError());
}

Outcome<PkeyPtr> generateRsa(int bits) {
  if (bits < kMinRsaGenerateBits || bits > static_cast<int>(kMaxRsaModulusBits)) {
    return makeError("bad-argument", "RSA key size must be between " +
                                         std::to_string(kMinRsaGenerateBits) + " and " +
                                         std::to_string(kMaxRsaModulusBits) + " bits");
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &key) != 1) {
    return keygenError("RSA key generation failed");
  }
  return PkeyPtr(key);
}

Outcome<PkeyPtr> generateDsa(int bits) {
  if (bits < kMinDsaGenerateBits || bits > kMaxDsaGenerateBits) {
    return makeError("bad-argument", "DSA key size must be between " +
                                         std::to_string(kMinDsaGenerateBits) + " and " +
                                         std::to_string(kMaxDsaGenerateBits) + " bits");
  }
  // q follows FIPS 186-4's pairs; 1024-bit keys get the classic 160-bit q
  // that SHA-1 signatures (sig-dsa-sha1) were designed for.
  const int qBits = bits <= 1024 ? 160 : (bits <= 2048 ? 224 : 256);
  PkeyCtxPtr pctx(EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr));
  EVP_PKEY* params = nullptr;
  if (!pctx || EVP_PKEY_paramgen_init(pctx.get()) != 1 ||
      EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx.get(), bits) != 1 ||
      EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pctx.get(), qBits) != 1 ||
      EVP_PKEY_paramgen(pctx.get(), &params) != 1) {
    return keygenError("DSA parameter generation failed");
  }
  const PkeyPtr ownedParams(params);
  PkeyCtxPtr kctx(EVP_PKEY_CTX_new_from_pkey(nullptr, params, nullptr));
  EVP_PKEY* key = nullptr;
  if (!kctx || EVP_PKEY_keygen_init(kctx.get()) != 1 || EVP_PKEY_keygen(kctx.get(), &key) != 1) {
    return keygenError("DSA key generation failed");
  }
  return PkeyPtr(key);
}

Outcome<PkeyPtr> generateNamed(const char* type, const char* group) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return keygenError("key generation failed");
  if (group != nullptr) {
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1) return keygenError("bad curve");
  }
  if (EVP_PKEY_keygen(ctx.get(), &key) != 1) return keygenError("key generation failed");
  return PkeyPtr(key);
}

// A self-signed certificate around an RSA key, for x509-* keys.
Outcome<std::string> selfSignedCertificate(EVP_PKEY* key) {
  crypto::X509Ptr cert(X509_new());
  if (!cert) return keygenError("cannot allocate a certificate");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return keygenError("no randomness");
  serial[0] &= 0x7FU;  // keep the serial positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* asnSerial = bn != nullptr ? BN_to_ASN1_INTEGER(bn, nullptr) : nullptr;
  BN_free(bn);
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>("keynote principal");
  const bool ok =
      asnSerial != nullptr && X509_set_version(cert.get(), 2) == 1 &&
      X509_set_serialNumber(cert.get(), asnSerial) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kCertificateDays * 24 * 3600) != nullptr &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) == 1 &&
      X509_set_issuer_name(cert.get(), name) == 1 && X509_set_pubkey(cert.get(), key) == 1 &&
      X509_sign(cert.get(), key, EVP_sha256()) > 0;
  ASN1_INTEGER_free(asnSerial);
  if (!ok) return keygenError("cannot build the certificate");
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return keygenError("cannot encode the certificate");
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Outcome<KeyPair> generateKey(std::string_view algorithm, int bits) {
  std::string name(algorithm);
  if (!name.empty() && name.back() == ':') name.pop_back();
  // New keys default to Ed25519 (docs/keynote-crypto.md).
  if (name.empty() || (name.size() == 7 && crypto::startsWithNoCase(name, "default"))) {
    name = "ed25519-hex";
  }
  name.push_back(':');
  const auto parsed = crypto::parseKeyName(name);
  if (!parsed || parsed->isPrivate || parsed->length != name.size()) {
    return makeError("bad-argument", "unknown key algorithm '" + std::string(algorithm) + "'");
  }
  Outcome<PkeyPtr> key = makeError("bad-argument", "");
  switch (parsed->family) {
    case KeyFamily::Rsa:
    case KeyFamily::X509: key = generateRsa(bits); break;
    case KeyFamily::Dsa: key = generateDsa(bits); break;
    case KeyFamily::Ed25519:
      if (bits != 255 && bits != 256) {
        return makeError("bad-argument", "Ed25519 keys have a fixed size; give 256 as KeySize");
      }
      key = generateNamed("ED25519", nullptr);
      break;
    case KeyFamily::EcdsaP256:
      if (bits != 256) {
        return makeError("bad-argument", "ECDSA P-256 keys have a fixed size; give 256 as KeySize");
      }
      key = generateNamed("EC", "P-256");
      break;
    case KeyFamily::Binary:
      return makeError("bad-argument", "binary keys are opaque byte strings and are not generated");
  }
  if (!key) return key.error();
  crypto::PrivateKey priv{parsed->family, std::move(key.value())};
  KeyPair pair;
  if (parsed->family == KeyFamily::X509) {
    auto cert = selfSignedCertificate(priv.pkey.get());
    if (!cert) return cert.error();
    pair.publicKey = crypto::keyPrefix(KeyFamily::X509, parsed->encoding, false) +
                     crypto::encodeBits(cert.value(), parsed->encoding);
  } else {
    auto pub = crypto::publicHalf(parsed->family, priv.pkey.get());
    if (!pub) return pub.error();
    pair.publicKey = crypto::encodePublicKey(pub.value(), parsed->encoding);
  }
  auto privText = crypto::encodePrivateKey(priv, parsed->encoding);
  if (!privText) return privText.error();
  pair.privateKey = std::move(privText.value());
  return pair;
}

}  // namespace keynote
