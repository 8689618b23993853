#include "crypto/schemes.hpp"

#include <openssl/rsa.h>

#include <vector>

#include "crypto/der.hpp"

namespace keynote::crypto {
namespace {

// DigestInfo = SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING digest }
std::string digestInfo(std::string_view oid, std::string_view digestBytes) {
  const std::string algorithm =
      der::sequence(der::element(der::kObjectIdentifier, oid) + der::element(der::kNull, {}));
  return der::sequence(algorithm + der::octetString(digestBytes));
}

// Object identifiers (content octets).
constexpr std::string_view kOidSha1{"\x2b\x0e\x03\x02\x1a", 5};        // 1.3.14.3.2.26
constexpr std::string_view kOidShaWithRsa{"\x2b\x0e\x03\x02\x0f", 5};  // 1.3.14.3.2.15
constexpr std::string_view kOidSha256{"\x60\x86\x48\x01\x65\x03\x04\x02\x01", 9};
constexpr std::string_view kOidSha512{"\x60\x86\x48\x01\x65\x03\x04\x02\x03", 9};

bool isRsaScheme(SigScheme s) {
  return s == SigScheme::RsaSha1Octet || s == SigScheme::RsaMd5Octet || s == SigScheme::RsaSha256 ||
         s == SigScheme::X509Sha1 || s == SigScheme::X509Sha256 || s == SigScheme::X509Sha512;
}

// What PKCS#1 v1.5 type-1 padding wraps for each RSA scheme. The first entry
// is what we sign; verification accepts any entry.
std::vector<std::string> rsaPayloads(SigScheme scheme, std::string_view m) {
  switch (scheme) {
    // RFC 2792 as the classic implementation does it (RSA_sign_ASN1_OCTET_STRING):
    // the raw digest in an OCTET STRING, no algorithm identifier.
    case SigScheme::RsaSha1Octet: return {der::octetString(digest("SHA1", m))};
    case SigScheme::RsaMd5Octet: return {der::octetString(digest("MD5", m))};
    case SigScheme::RsaSha256: return {digestInfo(kOidSha256, digest("SHA256", m))};
    // The classic implementation signs sig-x509-sha1 with RSA_sign(NID
    // shaWithRSAEncryption), whose DigestInfo names OID 1.3.14.3.2.15; we
    // write that for interoperability and also accept the standard id-sha1.
    case SigScheme::X509Sha1: {
      const std::string d = digest("SHA1", m);
      return {digestInfo(kOidShaWithRsa, d), digestInfo(kOidSha1, d)};
    }
    case SigScheme::X509Sha256: return {digestInfo(kOidSha256, digest("SHA256", m))};
    case SigScheme::X509Sha512: return {digestInfo(kOidSha512, digest("SHA512", m))};
    default: return {};
  }
}

Outcome<std::string> rsaSign(EVP_PKEY* key, std::string_view payload) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(payload.data());
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &len, in, payload.size()) != 1) {
    return makeError("sign-failed", "RSA signing failed: " + lastOpensslError());
  }
  std::string sig(len, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                    payload.size()) != 1) {
    return makeError("sign-failed", "RSA signing failed: " + lastOpensslError());
  }
  sig.resize(len);
  return sig;
}

SignatureCheck rsaVerify(EVP_PKEY* key, const std::vector<std::string>& payloads,
                         std::string_view sig) {
  // PKCS#1 signatures are exactly as long as the modulus.
  if (sig.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key))) {
    return SignatureCheck::BadSignature;
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  std::string out(sig.size(), '\0');
  std::size_t len = out.size();
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_verify_recover(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                              reinterpret_cast<const unsigned char*>(sig.data()),
                              sig.size()) != 1) {
    lastOpensslError();
    return SignatureCheck::BadSignature;
  }
  out.resize(len);
  for (const auto& expected : payloads) {
    if (expected.size() == out.size() &&
        CRYPTO_memcmp(expected.data(), out.data(), out.size()) == 0) {
      return SignatureCheck::Verified;
    }
  }
  return SignatureCheck::BadSignature;
}

Outcome<std::string> digestSign(EVP_PKEY* key, const EVP_MD* md, std::string_view m) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(m.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, in, m.size()) != 1) {
    return makeError("sign-failed", "signing failed: " + lastOpensslError());
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, m.size()) !=
      1) {
    return makeError("sign-failed", "signing failed: " + lastOpensslError());
  }
  sig.resize(len);
  return sig;
}

SignatureCheck digestVerify(EVP_PKEY* key, const EVP_MD* md, std::string_view m,
                            std::string_view sig) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
    lastOpensslError();
    return SignatureCheck::BadSignature;
  }
  const int rc =
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(m.data()), m.size());
  if (rc != 1) lastOpensslError();
  return rc == 1 ? SignatureCheck::Verified : SignatureCheck::BadSignature;
}

// DSA over a SHA-1 digest computed here (RFC 2792: DSA_sign of SHA-1).
Outcome<std::string> dsaSign(EVP_PKEY* key, std::string_view m) {
  const std::string d = digest("SHA1", m);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(d.data());
  if (!ctx || d.empty() || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &len, in, d.size()) != 1) {
    return makeError("sign-failed", "DSA signing failed: " + lastOpensslError());
  }
  std::string sig(len, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, d.size()) !=
      1) {
    return makeError("sign-failed", "DSA signing failed: " + lastOpensslError());
  }
  sig.resize(len);
  return sig;
}

SignatureCheck dsaVerify(EVP_PKEY* key, std::string_view m, std::string_view sig) {
  const std::string d = digest("SHA1", m);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || d.empty() || EVP_PKEY_verify_init(ctx.get()) != 1) {
    lastOpensslError();
    return SignatureCheck::BadSignature;
  }
  const int rc =
      EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                      reinterpret_cast<const unsigned char*>(d.data()), d.size());
  if (rc != 1) lastOpensslError();
  return rc == 1 ? SignatureCheck::Verified : SignatureCheck::BadSignature;
}

}  // namespace

Outcome<std::string> signWith(SigScheme scheme, EVP_PKEY* key, std::string_view signedBytes) {
  if (isRsaScheme(scheme)) {
    if (EVP_PKEY_is_a(key, "RSA") != 1) return makeError("algorithm-mismatch", "key is not RSA");
    const auto payloads = rsaPayloads(scheme, signedBytes);
    if (payloads.empty() || payloads.front().empty()) {
      return makeError("internal", "digest unavailable");
    }
    return rsaSign(key, payloads.front());
  }
  switch (scheme) {
    case SigScheme::DsaSha1:
      if (EVP_PKEY_is_a(key, "DSA") != 1) return makeError("algorithm-mismatch", "key is not DSA");
      return dsaSign(key, signedBytes);
    case SigScheme::Ed25519:
      if (EVP_PKEY_is_a(key, "ED25519") != 1) {
        return makeError("algorithm-mismatch", "key is not Ed25519");
      }
      return digestSign(key, nullptr, signedBytes);
    case SigScheme::EcdsaP256Sha256:
      if (EVP_PKEY_is_a(key, "EC") != 1) return makeError("algorithm-mismatch", "key is not EC");
      return digestSign(key, fetchDigest("SHA256"), signedBytes);
    default: break;
  }
  return makeError("unsupported", "signature scheme not implemented");
}

SignatureCheck verifyWith(SigScheme scheme, EVP_PKEY* key, std::string_view signedBytes,
                          std::string_view signature) {
  if (isRsaScheme(scheme)) {
    if (EVP_PKEY_is_a(key, "RSA") != 1) return SignatureCheck::AlgorithmMismatch;
    return rsaVerify(key, rsaPayloads(scheme, signedBytes), signature);
  }
  switch (scheme) {
    case SigScheme::DsaSha1:
      if (EVP_PKEY_is_a(key, "DSA") != 1) return SignatureCheck::AlgorithmMismatch;
      return dsaVerify(key, signedBytes, signature);
    case SigScheme::Ed25519:
      if (EVP_PKEY_is_a(key, "ED25519") != 1) return SignatureCheck::AlgorithmMismatch;
      if (signature.size() != 64) return SignatureCheck::BadSignature;
      return digestVerify(key, nullptr, signedBytes, signature);
    case SigScheme::EcdsaP256Sha256:
      if (EVP_PKEY_is_a(key, "EC") != 1) return SignatureCheck::AlgorithmMismatch;
      return digestVerify(key, fetchDigest("SHA256"), signedBytes, signature);
    default: break;
  }
  return SignatureCheck::Unsupported;
}

}  // namespace keynote::crypto
