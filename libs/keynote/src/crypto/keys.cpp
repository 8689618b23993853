// The public key and signature API of keys.hpp on top of the codecs and
// schemes.

#include <string>
#include <string_view>

#include "crypto/key_codec.hpp"
#include "crypto/names.hpp"
#include "crypto/schemes.hpp"
#include "crypto/verify.hpp"
#include "keynote/keys.hpp"

namespace keynote {
namespace {

using crypto::KeyFamily;

struct ResolvedSigName {
  crypto::SigName name;
  std::string text;  // as given, with its colon
};

Outcome<ResolvedSigName> resolveSigName(std::string_view algorithm) {
  std::string text(algorithm);
  if (text.empty()) return makeError("bad-algorithm", "no signature algorithm given");
  if (text.back() != ':') text.push_back(':');
  const auto name = crypto::parseSigName(text);
  if (!name || name->length != text.size()) {
    if (crypto::isUnsupportedSigName(text)) {
      return makeError("unsupported", "signature algorithm '" + text + "' is not implemented");
    }
    return makeError("bad-algorithm", "unknown signature algorithm '" + text + "'");
  }
  return ResolvedSigName{*name, std::move(text)};
}

}  // namespace

PrincipalKind classifyPrincipal(std::string_view principal) {
  const auto name = crypto::parseKeyName(principal);
  if (!name || name->isPrivate) return PrincipalKind::Opaque;
  return crypto::decodePublicKey(principal) ? PrincipalKind::Key : PrincipalKind::MalformedKey;
}

Outcome<std::string> canonicalKeyOf(std::string_view principal) {
  auto key = crypto::decodePublicKey(principal);
  if (!key) return key.error();
  return key->canonical();
}

bool sameKey(std::string_view a, std::string_view b) {
  const PrincipalKind ka = classifyPrincipal(a);
  const PrincipalKind kb = classifyPrincipal(b);
  if (ka == PrincipalKind::Opaque && kb == PrincipalKind::Opaque) return a == b;
  if (ka != PrincipalKind::Key || kb != PrincipalKind::Key) return false;
  return canonicalKeyOf(a).value() == canonicalKeyOf(b).value();
}

Outcome<std::string> reencodeKey(std::string_view key, std::string_view targetAlgorithm) {
  std::string target(targetAlgorithm);
  if (!target.empty() && target.back() != ':') target.push_back(':');
  const auto to = crypto::parseKeyName(target);
  if (!to || to->length != target.size()) {
    return makeError("bad-algorithm", "unknown key algorithm '" + target + "'");
  }
  const auto from = crypto::parseKeyName(key);
  if (!from) return makeError("not-a-key", "not a key principal");
  if (from->family != to->family || from->isPrivate != to->isPrivate) {
    return makeError("algorithm-mismatch", "cannot re-encode a " +
                                               std::string(crypto::familyName(from->family)) +
                                               " key as " + target);
  }
  if (from->isPrivate) {
    auto priv = crypto::decodePrivateKey(key, false);
    if (!priv) return priv.error();
    return crypto::encodePrivateKey(priv.value(), to->encoding);
  }
  auto pub = crypto::decodePublicKey(key);
  if (!pub) return pub.error();
  return crypto::encodePublicKey(pub.value(), to->encoding);
}

Outcome<std::string> publicKeyOf(std::string_view privateKey, std::string_view publicAlgorithm) {
  auto priv = crypto::decodePrivateKey(privateKey, true);
  if (!priv) return priv.error();
  KeyFamily family = priv->family;
  crypto::TextEncoding encoding = crypto::TextEncoding::Hex;
  if (!publicAlgorithm.empty()) {
    std::string target(publicAlgorithm);
    if (target.back() != ':') target.push_back(':');
    const auto to = crypto::parseKeyName(target);
    if (!to || to->isPrivate || to->length != target.size()) {
      return makeError("bad-algorithm", "unknown key algorithm '" + target + "'");
    }
    const bool rsaLike = (family == KeyFamily::Rsa || family == KeyFamily::X509) &&
                         (to->family == KeyFamily::Rsa || to->family == KeyFamily::X509);
    if (to->family != family && !rsaLike) {
      return makeError("algorithm-mismatch", "private key is not a " + target + " key");
    }
    family = to->family;
    encoding = to->encoding;
  }
  auto pub = crypto::publicHalf(family, priv->pkey.get());
  if (!pub) return pub.error();
  return crypto::encodePublicKey(pub.value(), encoding);
}

Outcome<std::string> signBytes(std::string_view signedBytes, std::string_view signatureAlgorithm,
                               std::string_view privateKey) {
  auto sig = resolveSigName(signatureAlgorithm);
  if (!sig) return sig.error();
  const crypto::SigScheme scheme = sig->name.scheme;
  const bool x509 = scheme == crypto::SigScheme::X509Sha1 ||
                    scheme == crypto::SigScheme::X509Sha256 ||
                    scheme == crypto::SigScheme::X509Sha512;
  auto priv = crypto::decodePrivateKey(privateKey, x509);
  if (!priv) return priv.error();
  if (!crypto::schemeFitsKey(scheme, priv->family)) {
    return makeError("algorithm-mismatch",
                     "signature algorithm " + sig->text + " does not fit a private " +
                         std::string(crypto::familyName(priv->family)) + " key");
  }
  auto raw = crypto::signWith(scheme, priv->pkey.get(), signedBytes);
  if (!raw) return raw.error();
  return sig->text + crypto::encodeBits(raw.value(), sig->name.encoding);
}

Outcome<std::string> signAssertion(std::string_view assertionText,
                                   std::string_view signatureAlgorithm,
                                   std::string_view privateKey) {
  auto sig = resolveSigName(signatureAlgorithm);
  if (!sig) return sig.error();
  auto bytes = signedBytesOf(assertionText, sig->text);
  if (!bytes) return bytes.error();
  return signBytes(bytes.value(), sig->text, privateKey);
}

SignatureCheck verifySignature(std::string_view signedBytes, std::string_view authorizer,
                               std::string_view signature) {
  return crypto::verifyUncached(signedBytes, authorizer, signature);
}

Outcome<std::string> signatureAlgorithmOf(std::string_view signature) {
  const auto name = crypto::parseSigName(signature);
  if (!name) {
    if (crypto::isUnsupportedSigName(signature)) {
      return makeError("unsupported", "signature algorithm is not implemented");
    }
    return makeError("bad-algorithm", "unknown signature algorithm");
  }
  return crypto::sigPrefix(name->scheme, name->encoding);
}

std::string_view describe(SignatureCheck check) {
  switch (check) {
    case SignatureCheck::Verified: return "verified";
    case SignatureCheck::BadSignature: return "signature does not verify";
    case SignatureCheck::Malformed: return "malformed signature or key";
    case SignatureCheck::AlgorithmMismatch: return "signature algorithm does not fit the key";
    case SignatureCheck::Unsupported: return "unsupported signature algorithm";
  }
  return "unknown";
}

}  // namespace keynote
