#include "keyfed/xmpp/scram.hpp"

#include "scram_crypto.hpp"
#include "scram_message.hpp"

namespace keyfed::xmpp {

ScramClient::ScramClient(ScramClientConfig config) : config_(std::move(config)) {}

std::string_view ScramClient::mechanism() const {
  return scramMechanismName(config_.hash, config_.binding.has_value());
}

std::string ScramClient::clientFirst() {
  if (config_.binding) {
    gs2Header_ = "p=" + config_.binding->type + ",";
  } else {
    gs2Header_ = config_.serverOffersPlus ? "y," : "n,";
  }
  if (!config_.authzid.empty()) gs2Header_ += "a=" + detail::encodeSaslName(config_.authzid);
  gs2Header_ += ',';
  clientNonce_ = config_.nonce ? config_.nonce() : base64Encode(randomBytes(18));
  clientFirstBare_ = "n=" + detail::encodeSaslName(config_.username) + ",r=" + clientNonce_;
  firstSent_ = true;
  return gs2Header_ + clientFirstBare_;
}

base::Result<std::string> ScramClient::handleServerFirst(std::string_view message) {
  using enum SaslCondition;
  if (!firstSent_ || finalSent_)
    return saslFail(malformedRequest, "unexpected server-first-message");
  if (message.size() > 4096) return saslFail(malformedRequest, "server-first-message too long");
  auto attrs = detail::splitAttributes(message);
  if (!attrs) return base::fail(std::move(attrs).error());
  const auto& a = *attrs;
  if (a[0].name == 'm') return saslFail(malformedRequest, "unsupported mandatory extension");
  if (a.size() < 3 || a[0].name != 'r' || a[1].name != 's' || a[2].name != 'i') {
    return saslFail(malformedRequest, "expected r=, s= and i= attributes");
  }
  std::string_view nonce = a[0].value;
  if (!detail::isPrintableNonce(nonce) || nonce.size() <= clientNonce_.size() ||
      nonce.substr(0, clientNonce_.size()) != clientNonce_) {
    return saslFail(malformedRequest, "server nonce does not extend the client nonce");
  }
  auto salt = base64Decode(a[1].value, 1024);
  if (!salt || salt->empty()) return saslFail(malformedRequest, "bad salt");
  auto iterations = detail::parseIterations(a[2].value, config_.maxIterations);
  if (!iterations) return saslFail(malformedRequest, "iteration count missing or too high");

  ScramHash h = config_.hash;
  if (!config_.cachedSaltedPassword.empty() && config_.cachedSalt == *salt &&
      config_.cachedIterations == *iterations) {
    saltedPassword_ = config_.cachedSaltedPassword;
  } else {
    auto prepared = saslprep(config_.password);
    if (!prepared) return base::fail(std::move(prepared).error());
    saltedPassword_ = detail::pbkdf2(h, *prepared, *salt, *iterations);
    if (saltedPassword_.empty()) return saslFail(temporaryAuthFailure, "PBKDF2 failed");
  }
  salt_ = std::move(*salt);
  iterations_ = *iterations;

  std::string cbind = gs2Header_;
  if (config_.binding) cbind += config_.binding->data;
  std::string withoutProof = "c=" + base64Encode(cbind) + ",r=" + std::string(nonce);
  authMessage_ = clientFirstBare_ + "," + std::string(message) + "," + withoutProof;
  std::string clientKey = detail::hmac(h, saltedPassword_, "Client Key");
  std::string storedKey = detail::hashBytes(h, clientKey);
  std::string proof = detail::xorBytes(clientKey, detail::hmac(h, storedKey, authMessage_));
  finalSent_ = true;
  return withoutProof + ",p=" + base64Encode(proof);
}

base::Result<void> ScramClient::handleServerFinal(std::string_view message) {
  using enum SaslCondition;
  if (!finalSent_) return saslFail(malformedRequest, "unexpected server-final-message");
  if (message.size() > 4096) return saslFail(malformedRequest, "server-final-message too long");
  auto attrs = detail::splitAttributes(message);
  if (!attrs) return base::fail(std::move(attrs).error());
  const auto& a = *attrs;
  if (a[0].name == 'e') {
    return saslFail(notAuthorized, "server error: " + std::string(a[0].value.substr(0, 100)));
  }
  if (a[0].name != 'v') return saslFail(malformedRequest, "expected v= attribute");
  auto signature = base64Decode(a[0].value, 64);
  if (!signature) return saslFail(malformedRequest, "bad server signature encoding");
  std::string serverKey = detail::hmac(config_.hash, saltedPassword_, "Server Key");
  if (!detail::secretEqual(*signature, detail::hmac(config_.hash, serverKey, authMessage_))) {
    return saslFail(notAuthorized,
                    "server signature mismatch: the server does not know the password");
  }
  return {};
}

}  // namespace keyfed::xmpp
