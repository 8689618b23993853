#include "keyfed/xmpp/scram.hpp"

#include "scram_crypto.hpp"

namespace keyfed::xmpp {

std::string_view scramMechanismName(ScramHash hash, bool plus) {
  if (hash == ScramHash::sha1) return plus ? "SCRAM-SHA-1-PLUS" : "SCRAM-SHA-1";
  return plus ? "SCRAM-SHA-256-PLUS" : "SCRAM-SHA-256";
}

std::optional<ScramMechanism> parseScramMechanism(std::string_view name) {
  for (ScramHash h : {ScramHash::sha1, ScramHash::sha256}) {
    for (bool plus : {false, true}) {
      if (scramMechanismName(h, plus) == name) return ScramMechanism{h, plus};
    }
  }
  return std::nullopt;
}

base::Result<ScramCredentials> deriveScramCredentials(ScramHash hash, std::string_view password,
                                                      std::string_view salt,
                                                      std::uint32_t iterations) {
  if (salt.empty()) return saslFail(SaslCondition::malformedRequest, "empty salt");
  if (iterations == 0 || iterations > kScramMaxIterations) {
    return saslFail(SaslCondition::malformedRequest, "iteration count out of range");
  }
  auto prepared = saslprep(password);
  if (!prepared) return base::fail(std::move(prepared).error());
  if (prepared->empty()) {
    return saslFail(SaslCondition::malformedRequest, "password is empty after SASLprep");
  }
  std::string salted = detail::pbkdf2(hash, *prepared, salt, iterations);
  if (salted.empty()) return saslFail(SaslCondition::temporaryAuthFailure, "PBKDF2 failed");
  ScramCredentials c;
  c.hash = hash;
  c.salt = std::string(salt);
  c.iterations = iterations;
  c.storedKey = detail::hashBytes(hash, detail::hmac(hash, salted, "Client Key"));
  c.serverKey = detail::hmac(hash, salted, "Server Key");
  return c;
}

base::Result<ScramCredentials> makeScramCredentials(ScramHash hash, std::string_view password,
                                                    std::uint32_t iterations) {
  return deriveScramCredentials(hash, password, randomBytes(16), iterations);
}

}  // namespace keyfed::xmpp
