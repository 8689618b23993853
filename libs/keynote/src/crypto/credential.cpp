// Signing and checking whole credentials: the assertion parser of this
// library finds the Authorizer and Signature, the crypto code does the rest.

#include <algorithm>
#include <string>
#include <string_view>

#include "crypto/names.hpp"
#include "keynote/assertion.hpp"
#include "keynote/keys.hpp"

namespace keynote {
namespace {

bool looksLikePem(std::string_view text) {
  const std::size_t b = text.find_first_not_of(" \t\r\n");
  return b != std::string_view::npos && text.substr(b, 11) == "-----BEGIN ";
}

}  // namespace

bool signatureFitsKey(std::string_view signatureAlgorithm, std::string_view key) {
  const auto sig = crypto::parseSigName(signatureAlgorithm);
  const auto name = crypto::parseKeyName(key);
  return sig && name && crypto::schemeFitsKey(sig->scheme, name->family);
}

Outcome<std::string> signCredential(std::string_view assertionText,
                                    std::string_view signatureAlgorithm,
                                    std::string_view privateKeyText, bool verify) {
  std::string algorithm(signatureAlgorithm);
  if (!algorithm.empty() && algorithm.back() != ':') algorithm.push_back(':');
  if (!crypto::parseSigName(algorithm)) {
    if (crypto::isUnsupportedSigName(algorithm)) {
      return makeError("unsupported", "signature algorithm '" + algorithm + "' is not implemented");
    }
    return makeError("bad-algorithm", "unknown signature algorithm '" + algorithm + "'");
  }
  // The Authorizer decides which key kinds may sign (classic kn_sign_assertion).
  auto parsed = parseAssertionLenient(assertionText);
  if (!parsed) return parsed.error();
  if (!parsed->hasSignature) {
    return makeError(
        "no-signature",
        "assertion has no Signature field (add an empty `Signature:` line to sign it)");
  }
  const std::string& authorizer = parsed->authorizer;
  if (authorizer.empty() && parsed->error) return *parsed->error;
  if (classifyPrincipal(authorizer) != PrincipalKind::Key) {
    return makeError("syntax",
                     "the Authorizer is not a public key, so the assertion cannot be signed");
  }
  if (!signatureFitsKey(algorithm, authorizer)) {
    return makeError("algorithm-mismatch",
                     algorithm + " signatures cannot be made for the Authorizer's key type");
  }

  std::string privateKey;
  const auto sigName = crypto::parseSigName(algorithm);
  const bool x509 = sigName->scheme == crypto::SigScheme::X509Sha1 ||
                    sigName->scheme == crypto::SigScheme::X509Sha256 ||
                    sigName->scheme == crypto::SigScheme::X509Sha512;
  if (x509 && looksLikePem(privateKeyText)) {
    privateKey = std::string(privateKeyText);
  } else {
    auto unquoted = parseQuotedKey(privateKeyText);
    if (!unquoted) return makeError("bad-key", "private key file: " + unquoted.error().message);
    privateKey = std::move(unquoted.value());
  }

  auto sig = signAssertion(assertionText, algorithm, privateKey);
  std::fill(privateKey.begin(), privateKey.end(), '\0');
  if (!sig) return sig.error();
  if (verify) {
    auto bytes = signedBytesOf(assertionText, algorithm);
    if (!bytes) return bytes.error();
    const SignatureCheck check = verifySignature(*bytes, authorizer, *sig);
    if (check != SignatureCheck::Verified) {
      return makeError("verify-failed",
                       "the new signature does not verify with the Authorizer key (" +
                           std::string(describe(check)) + ")");
    }
  }
  return sig;
}

Outcome<SignatureCheck> verifyCredential(std::string_view assertionText) {
  auto parsed = parseAssertionLenient(assertionText);
  if (!parsed) return parsed.error();
  const Assertion& a = *parsed;
  if (!a.hasSignature || a.signature.empty() || a.authorizer.empty()) {
    return SignatureCheck::BadSignature;
  }
  std::string bytes(a.signedRegion());
  bytes += a.signatureAlgorithm;
  return verifySignature(bytes, a.authorizer, a.signature);
}

}  // namespace keynote
