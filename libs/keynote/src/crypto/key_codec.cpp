#include "crypto/key_codec.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <array>
#include <vector>

#include "crypto/der.hpp"
#include "keynote/keys.hpp"

namespace keynote::crypto {
namespace {

constexpr std::size_t kEd25519KeyBytes = 32;
constexpr std::size_t kP256CoordinateBytes = 32;
constexpr std::size_t kMaxRsaExponentBits = 64;
constexpr std::size_t kMinDsaPrimeBits = 512;
constexpr std::size_t kMaxDerBytes = std::size_t{48} * 1024;
constexpr const char* kP256GroupName = "prime256v1";

Error badKey(std::string_view family, std::string message) {
  return makeError("bad-key", std::string(family) + " key: " + std::move(message));
}

// Big-endian magnitudes without leading zeros compare by length, then bytes.
int compareMagnitude(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool isOne(std::string_view m) {
  return m.size() == 1 && m[0] == '\x01';
}
bool isOdd(std::string_view m) {
  return !m.empty() && (static_cast<unsigned char>(m.back()) & 1U);
}

std::string rsaBody(std::string_view n, std::string_view e) {
  return der::sequence(der::unsignedInteger(n) + der::unsignedInteger(e));
}

Status checkRsa(std::string_view family, std::string_view n, std::string_view e) {
  const std::size_t bits = der::bitLength(n);
  if (bits < kMinRsaModulusBits || bits > kMaxRsaModulusBits) {
    return badKey(family, "RSA modulus of " + std::to_string(bits) + " bits is outside " +
                              std::to_string(kMinRsaModulusBits) + ".." +
                              std::to_string(kMaxRsaModulusBits));
  }
  if (!isOdd(n)) return badKey(family, "RSA modulus is even");
  if (!isOdd(e) || isOne(e) || der::bitLength(e) > kMaxRsaExponentBits) {
    return badKey(family, "RSA public exponent must be odd, greater than 1 and at most 64 bits");
  }
  if (compareMagnitude(e, n) >= 0) return badKey(family, "RSA exponent is not below the modulus");
  return okStatus();
}

Outcome<PublicKey> decodeRsa(std::string bits) {
  der::Reader top(bits);
  der::Reader seq(std::string_view{});
  std::string_view n;
  std::string_view e;
  if (!top.readSequence(seq) || !top.atEnd() || !seq.readUnsigned(n) || !seq.readUnsigned(e) ||
      !seq.atEnd()) {
    return badKey("rsa", "not a DER RSAPublicKey SEQUENCE{modulus, publicExponent}");
  }
  if (auto st = checkRsa("rsa", n, e); !st) return st.error();
  PublicKey key;
  key.family = KeyFamily::Rsa;
  key.body = rsaBody(n, e);
  key.bits = std::move(bits);
  return key;
}

Outcome<PublicKey> decodeDsa(std::string bits) {
  der::Reader top(bits);
  der::Reader seq(std::string_view{});
  std::string_view pub;
  std::string_view p;
  std::string_view q;
  std::string_view g;
  if (!top.readSequence(seq) || !top.atEnd() || !seq.readUnsigned(pub) || !seq.readUnsigned(p) ||
      !seq.readUnsigned(q) || !seq.readUnsigned(g) || !seq.atEnd()) {
    return badKey("dsa", "not a DER SEQUENCE{pub_key, p, q, g}");
  }
  const std::size_t pBits = der::bitLength(p);
  const std::size_t qBits = der::bitLength(q);
  if (pBits < kMinDsaPrimeBits || pBits > kMaxDsaPrimeBits) {
    return badKey("dsa", "prime p of " + std::to_string(pBits) + " bits is outside " +
                             std::to_string(kMinDsaPrimeBits) + ".." +
                             std::to_string(kMaxDsaPrimeBits));
  }
  if (qBits != 160 && qBits != 224 && qBits != 256) {
    return badKey("dsa", "subprime q of " + std::to_string(qBits) + " bits (want 160, 224 or 256)");
  }
  if (!isOdd(p) || !isOdd(q)) return badKey("dsa", "p and q must be odd primes");
  if (g.empty() || isOne(g) || compareMagnitude(g, p) >= 0) {
    return badKey("dsa", "generator g is not in 2..p-1");
  }
  if (pub.empty() || isOne(pub) || compareMagnitude(pub, p) >= 0) {
    return badKey("dsa", "public value is not in 2..p-1");
  }
  PublicKey key;
  key.family = KeyFamily::Dsa;
  key.body = der::sequence(der::unsignedInteger(pub) + der::unsignedInteger(p) +
                           der::unsignedInteger(q) + der::unsignedInteger(g));
  key.bits = std::move(bits);
  return key;
}

Outcome<PublicKey> decodeX509(std::string bits) {
  const auto* p = reinterpret_cast<const unsigned char*>(bits.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(bits.size())));
  if (!cert) return badKey("x509", "not a DER X.509 certificate (" + lastOpensslError() + ")");
  if (p != reinterpret_cast<const unsigned char*>(bits.data()) + bits.size()) {
    return badKey("x509", "trailing bytes after the certificate");
  }
  EVP_PKEY* pkey = X509_get0_pubkey(cert.get());
  if (pkey == nullptr) return badKey("x509", "certificate public key cannot be decoded");
  if (EVP_PKEY_is_a(pkey, "RSA") != 1) {
    return badKey("x509", "only certificates with RSA keys are supported");
  }
  const std::string n = keyParamBytes(pkey, OSSL_PKEY_PARAM_RSA_N);
  const std::string e = keyParamBytes(pkey, OSSL_PKEY_PARAM_RSA_E);
  if (auto st = checkRsa("x509", n, e); !st) return st.error();
  PublicKey key;
  key.family = KeyFamily::X509;
  key.body = rsaBody(n, e);
  key.bits = std::move(bits);
  return key;
}

Outcome<PublicKey> decodeEd25519(std::string bits) {
  if (bits.size() != kEd25519KeyBytes) {
    return badKey("ed25519", "key is " + std::to_string(bits.size()) + " bytes, want 32");
  }
  PublicKey key;
  key.family = KeyFamily::Ed25519;
  key.body = bits;
  key.bits = std::move(bits);
  return key;
}

std::string leftPad(std::string bytes, std::size_t size) {
  if (bytes.size() < size) bytes.insert(0, size - bytes.size(), '\0');
  return bytes;
}

Outcome<std::string> p256Point(const EVP_PKEY* pkey, std::string_view family) {
  std::array<char, 64> group{};
  std::size_t groupLen = 0;
  if (EVP_PKEY_is_a(pkey, "EC") != 1 ||
      EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                     &groupLen) != 1 ||
      std::string_view(group.data(), groupLen) != kP256GroupName) {
    return badKey(family, "not an EC key on curve P-256");
  }
  const std::string x = keyParamBytes(pkey, OSSL_PKEY_PARAM_EC_PUB_X);
  const std::string y = keyParamBytes(pkey, OSSL_PKEY_PARAM_EC_PUB_Y);
  if (x.empty() || y.empty() || x.size() > kP256CoordinateBytes ||
      y.size() > kP256CoordinateBytes) {
    return badKey(family, "cannot read the public point");
  }
  return std::string(1, '\x04') + leftPad(x, kP256CoordinateBytes) +
         leftPad(y, kP256CoordinateBytes);
}

// A P-256 point (compressed or not) as the uncompressed 65-byte encoding,
// refusing points that are not on the curve and the point at infinity.
Outcome<std::string> canonicalP256Point(std::string_view encoded) {
  static const std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(
      EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1), &EC_GROUP_free);
  if (!group) return makeError("internal", "P-256 is not available");
  const std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> point(EC_POINT_new(group.get()),
                                                                  &EC_POINT_free);
  if (!point ||
      EC_POINT_oct2point(group.get(), point.get(),
                         reinterpret_cast<const unsigned char*>(encoded.data()), encoded.size(),
                         nullptr) != 1 ||
      EC_POINT_is_at_infinity(group.get(), point.get()) == 1) {
    lastOpensslError();
    return badKey("ecdsa-p256", "public point is not on curve P-256");
  }
  std::string out(1 + 2 * kP256CoordinateBytes, '\0');
  if (EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                         reinterpret_cast<unsigned char*>(out.data()), out.size(),
                         nullptr) != out.size()) {
    return badKey("ecdsa-p256", "cannot encode the public point");
  }
  return out;
}

// SubjectPublicKeyInfo{ AlgorithmIdentifier{ id-ecPublicKey, prime256v1 },
// BIT STRING point }, read with our strict DER reader: OpenSSL's generic
// decoder costs more than a signature check, and canonicalKey() runs often.
Outcome<PublicKey> decodeP256(std::string bits) {
  constexpr std::string_view kOidEcPublicKey{"\x2a\x86\x48\xce\x3d\x02\x01", 7};
  constexpr std::string_view kOidPrime256v1{"\x2a\x86\x48\xce\x3d\x03\x01\x07", 8};
  constexpr std::uint8_t kBitString = 0x03;
  der::Reader top(bits);
  der::Reader spki(std::string_view{});
  der::Reader algorithm(std::string_view{});
  std::string_view keyType;
  std::string_view curve;
  std::string_view bitString;
  if (!top.readSequence(spki) || !top.atEnd() || !spki.readSequence(algorithm) ||
      !algorithm.read(der::kObjectIdentifier, keyType) || !spki.read(kBitString, bitString) ||
      !spki.atEnd()) {
    return badKey("ecdsa-p256", "not a DER SubjectPublicKeyInfo");
  }
  if (keyType != kOidEcPublicKey) return badKey("ecdsa-p256", "not an EC public key");
  if (!algorithm.read(der::kObjectIdentifier, curve) || !algorithm.atEnd() ||
      curve != kOidPrime256v1) {
    return badKey("ecdsa-p256", "not a key on curve P-256 (named curve prime256v1)");
  }
  if (bitString.size() < 2 || bitString[0] != '\0') {
    return badKey("ecdsa-p256", "malformed public key BIT STRING");
  }
  auto point = canonicalP256Point(bitString.substr(1));
  if (!point) return point.error();
  PublicKey key;
  key.family = KeyFamily::EcdsaP256;
  key.body = std::move(point.value());
  key.bits = std::move(bits);
  return key;
}

Outcome<SharedPkey> fromParams(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return makeError("bad-key",
                     std::string("cannot build ") + type + " key: " + lastOpensslError());
  }
  return SharedPkey(raw, PkeyFree{});
}

bool pushBn(OSSL_PARAM_BLD* bld, const char* name, std::string_view magnitude,
            std::vector<BnPtr>& keep) {
  BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(magnitude.data()),
                     static_cast<int>(magnitude.size()), nullptr));
  if (!bn || OSSL_PARAM_BLD_push_BN(bld, name, bn.get()) != 1) return false;
  keep.push_back(std::move(bn));  // the builder refers to it until to_param
  return true;
}

}  // namespace

std::string PublicKey::canonical() const {
  // An X.509 certificate stands for the RSA key it certifies: the classic
  // implementation compares the two as RSA keys (modulus and exponent), so a
  // certificate and the bare key are one principal.
  const KeyFamily identity = family == KeyFamily::X509 ? KeyFamily::Rsa : family;
  return std::string(familyName(identity)) + ":" + encodeHex(body);
}

Outcome<std::string> decodeBits(std::string_view text, TextEncoding encoding,
                                std::string_view what) {
  if (text.size() > kMaxKeyTextLength) {
    return makeError("limit", std::string(what) + " is longer than " +
                                  std::to_string(kMaxKeyTextLength) + " characters");
  }
  auto bytes = encoding == TextEncoding::Hex ? decodeHex(text) : decodeBase64(text);
  if (!bytes) {
    return makeError(bytes.error().code, std::string(what) + ": " + bytes.error().message);
  }
  return bytes;
}

std::string encodeBits(std::string_view bytes, TextEncoding encoding) {
  return encoding == TextEncoding::Hex ? encodeHex(bytes) : encodeBase64(bytes);
}

Outcome<PublicKey> decodePublicKey(std::string_view principal) {
  const auto name = parseKeyName(principal);
  if (!name || name->isPrivate) {
    return makeError("not-a-key", "principal has no public key algorithm prefix");
  }
  auto bits = decodeBits(principal.substr(name->length), name->encoding,
                         std::string(familyName(name->family)) + " key");
  if (!bits) return bits.error();
  if (bits->empty()) return badKey(familyName(name->family), "no key bits");
  if (bits->size() > kMaxDerBytes) return badKey(familyName(name->family), "key too large");
  switch (name->family) {
    case KeyFamily::Rsa: return decodeRsa(std::move(bits.value()));
    case KeyFamily::Dsa: return decodeDsa(std::move(bits.value()));
    case KeyFamily::X509: return decodeX509(std::move(bits.value()));
    case KeyFamily::Ed25519: return decodeEd25519(std::move(bits.value()));
    case KeyFamily::EcdsaP256: return decodeP256(std::move(bits.value()));
    case KeyFamily::Binary: {
      PublicKey key;
      key.family = KeyFamily::Binary;
      key.body = bits.value();
      key.bits = std::move(bits.value());
      return key;
    }
  }
  return badKey("unknown", "unsupported key family");
}

Outcome<SharedPkey> toEvp(const PublicKey& key) {
  switch (key.family) {
    case KeyFamily::Rsa:
    case KeyFamily::X509: {
      der::Reader top(key.body);
      der::Reader seq(std::string_view{});
      std::string_view n;
      std::string_view e;
      if (!top.readSequence(seq) || !seq.readUnsigned(n) || !seq.readUnsigned(e)) {
        return badKey("rsa", "corrupt canonical body");
      }
      ParamBldPtr bld(OSSL_PARAM_BLD_new());
      std::vector<BnPtr> keep;
      if (!bld || !pushBn(bld.get(), OSSL_PKEY_PARAM_RSA_N, n, keep) ||
          !pushBn(bld.get(), OSSL_PKEY_PARAM_RSA_E, e, keep)) {
        return makeError("internal", "out of memory building an RSA key");
      }
      return fromParams("RSA", bld.get());
    }
    case KeyFamily::Dsa: {
      der::Reader top(key.body);
      der::Reader seq(std::string_view{});
      std::string_view pub;
      std::string_view p;
      std::string_view q;
      std::string_view g;
      if (!top.readSequence(seq) || !seq.readUnsigned(pub) || !seq.readUnsigned(p) ||
          !seq.readUnsigned(q) || !seq.readUnsigned(g)) {
        return badKey("dsa", "corrupt canonical body");
      }
      ParamBldPtr bld(OSSL_PARAM_BLD_new());
      std::vector<BnPtr> keep;
      if (!bld || !pushBn(bld.get(), OSSL_PKEY_PARAM_FFC_P, p, keep) ||
          !pushBn(bld.get(), OSSL_PKEY_PARAM_FFC_Q, q, keep) ||
          !pushBn(bld.get(), OSSL_PKEY_PARAM_FFC_G, g, keep) ||
          !pushBn(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub, keep)) {
        return makeError("internal", "out of memory building a DSA key");
      }
      return fromParams("DSA", bld.get());
    }
    case KeyFamily::Ed25519: {
      EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(
          EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(key.body.data()),
          key.body.size());
      if (raw == nullptr) return badKey("ed25519", "rejected by OpenSSL: " + lastOpensslError());
      return SharedPkey(raw, PkeyFree{});
    }
    case KeyFamily::EcdsaP256: {
      ParamBldPtr bld(OSSL_PARAM_BLD_new());
      if (!bld ||
          OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, kP256GroupName,
                                          0) != 1 ||
          OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, key.body.data(),
                                           key.body.size()) != 1) {
        return makeError("internal", "out of memory building an EC key");
      }
      return fromParams("EC", bld.get());
    }
    case KeyFamily::Binary: break;
  }
  return makeError("algorithm-mismatch", "binary keys cannot verify signatures");
}

std::string encodePublicKey(const PublicKey& key, TextEncoding encoding) {
  return keyPrefix(key.family, encoding, false) + encodeBits(key.bits, encoding);
}

Outcome<PublicKey> publicHalf(KeyFamily family, const EVP_PKEY* pkey) {
  PublicKey key;
  key.family = family;
  switch (family) {
    case KeyFamily::Rsa: {
      key.body = rsaBody(keyParamBytes(pkey, OSSL_PKEY_PARAM_RSA_N),
                         keyParamBytes(pkey, OSSL_PKEY_PARAM_RSA_E));
      key.bits = key.body;
      return key;
    }
    case KeyFamily::Dsa: {
      key.body = der::sequence(der::unsignedInteger(keyParamBytes(pkey, OSSL_PKEY_PARAM_PUB_KEY)) +
                               der::unsignedInteger(keyParamBytes(pkey, OSSL_PKEY_PARAM_FFC_P)) +
                               der::unsignedInteger(keyParamBytes(pkey, OSSL_PKEY_PARAM_FFC_Q)) +
                               der::unsignedInteger(keyParamBytes(pkey, OSSL_PKEY_PARAM_FFC_G)));
      key.bits = key.body;
      return key;
    }
    case KeyFamily::Ed25519: {
      std::string raw(kEd25519KeyBytes, '\0');
      std::size_t len = raw.size();
      if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) !=
              1 ||
          len != kEd25519KeyBytes) {
        return badKey("ed25519", "cannot read the public key");
      }
      key.body = raw;
      key.bits = std::move(raw);
      return key;
    }
    case KeyFamily::EcdsaP256: {
      auto point = p256Point(pkey, "ecdsa-p256");
      if (!point) return point.error();
      unsigned char* der = nullptr;
      const int len = i2d_PUBKEY(pkey, &der);
      if (len <= 0) return badKey("ecdsa-p256", "cannot encode the public key");
      key.bits.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
      OPENSSL_free(der);
      key.body = std::move(point.value());
      return key;
    }
    case KeyFamily::X509:
      return badKey("x509", "a certificate cannot be derived from a private key; ask for rsa-hex:");
    case KeyFamily::Binary: break;
  }
  return badKey("binary", "binary keys have no private half");
}

Outcome<PrivateKey> decodePrivateKey(std::string_view text, bool allowPem) {
  if (allowPem && text.substr(0, 11) == "-----BEGIN ") {
    if (text.size() > kMaxKeyTextLength) return makeError("limit", "PEM private key too long");
    BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
    if (bio == nullptr) return makeError("internal", "out of memory");
    PkeyPtr pkey(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    if (!pkey) return badKey("x509", "unreadable PEM private key: " + lastOpensslError());
    if (EVP_PKEY_is_a(pkey.get(), "RSA") != 1) return badKey("x509", "PEM key is not RSA");
    if (static_cast<std::size_t>(EVP_PKEY_get_bits(pkey.get())) > kMaxRsaModulusBits) {
      return badKey("x509", "RSA modulus too large");
    }
    return PrivateKey{KeyFamily::X509, std::move(pkey)};
  }
  const auto name = parseKeyName(text);
  if (!name || !name->isPrivate) {
    return makeError("bad-key", "not a private key (expected a private-...: algorithm prefix)");
  }
  const auto family = familyName(name->family);
  auto decoded = decodeBits(text.substr(name->length), name->encoding,
                            "private " + std::string(family) + " key");
  if (!decoded) return decoded.error();
  const SecretBytes bits(std::move(decoded.value()));
  const auto view = bits.view();
  if (view.empty() || view.size() > kMaxDerBytes) return badKey(family, "bad private key size");
  const auto* begin = reinterpret_cast<const unsigned char*>(view.data());
  const auto* p = begin;
  PkeyPtr pkey;
  switch (name->family) {
    case KeyFamily::Rsa:
    case KeyFamily::X509:
      pkey.reset(d2i_PrivateKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(view.size())));
      break;
    case KeyFamily::Dsa:
      pkey.reset(d2i_PrivateKey(EVP_PKEY_DSA, nullptr, &p, static_cast<long>(view.size())));
      break;
    case KeyFamily::EcdsaP256:
      pkey.reset(d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, static_cast<long>(view.size())));
      break;
    case KeyFamily::Ed25519:
      if (view.size() != kEd25519KeyBytes) {
        return badKey(family, "private key is " + std::to_string(view.size()) + " bytes, want 32");
      }
      pkey.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, begin, view.size()));
      p = begin + view.size();
      break;
    case KeyFamily::Binary: return badKey(family, "binary keys have no private half");
  }
  if (!pkey) return badKey(family, "private key does not decode: " + lastOpensslError());
  if (p != begin + view.size()) return badKey(family, "trailing bytes after the private key");
  if (name->family == KeyFamily::Rsa || name->family == KeyFamily::X509) {
    const auto bitsN = static_cast<std::size_t>(EVP_PKEY_get_bits(pkey.get()));
    if (bitsN < kMinRsaModulusBits || bitsN > kMaxRsaModulusBits) {
      return badKey(family, "RSA modulus of " + std::to_string(bitsN) + " bits is out of range");
    }
  }
  if (name->family == KeyFamily::Dsa &&
      static_cast<std::size_t>(EVP_PKEY_get_bits(pkey.get())) > kMaxDsaPrimeBits) {
    return badKey(family, "DSA prime too large");
  }
  if (name->family == KeyFamily::EcdsaP256) {
    if (auto point = p256Point(pkey.get(), family); !point) return point.error();
  }
  return PrivateKey{name->family, std::move(pkey)};
}

Outcome<std::string> encodePrivateKey(const PrivateKey& key, TextEncoding encoding) {
  SecretBytes bytes;
  if (key.family == KeyFamily::Ed25519) {
    bytes.raw().assign(kEd25519KeyBytes, '\0');
    std::size_t len = kEd25519KeyBytes;
    if (EVP_PKEY_get_raw_private_key(
            key.pkey.get(), reinterpret_cast<unsigned char*>(bytes.raw().data()), &len) != 1 ||
        len != kEd25519KeyBytes) {
      return makeError("internal", "cannot export the Ed25519 private key");
    }
  } else {
    unsigned char* der = nullptr;
    const int len = i2d_PrivateKey(key.pkey.get(), &der);
    if (len <= 0) return makeError("internal", "cannot encode the private key");
    bytes.raw().assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_clear_free(der, static_cast<std::size_t>(len));
  }
  return keyPrefix(key.family, encoding, true) + encodeBits(bytes.view(), encoding);
}

}  // namespace keynote::crypto
