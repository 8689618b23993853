#include "keyfed/xmpp/plain.hpp"

#include "scram_crypto.hpp"
#include "utf8.hpp"

namespace keyfed::xmpp {

namespace {
constexpr std::size_t kMaxField = 1023;
}

base::Result<PlainMessage> parsePlain(std::string_view message) {
  using enum SaslCondition;
  if (message.size() > 3 * kMaxField + 2)
    return saslFail(malformedRequest, "PLAIN message too long");
  std::size_t n1 = message.find('\0');
  std::size_t n2 = n1 == std::string_view::npos ? n1 : message.find('\0', n1 + 1);
  if (n2 == std::string_view::npos) {
    return saslFail(malformedRequest, "PLAIN message needs authzid NUL authcid NUL password");
  }
  PlainMessage m;
  std::string_view authzid = message.substr(0, n1);
  std::string_view authcid = message.substr(n1 + 1, n2 - n1 - 1);
  std::string_view password = message.substr(n2 + 1);
  if (authcid.empty() || password.empty()) {
    return saslFail(malformedRequest, "empty authcid or password");
  }
  for (std::string_view f : {authzid, authcid, password}) {
    // isUtf8WithoutNul also refuses a third NUL inside the password.
    if (f.size() > kMaxField || !detail::isUtf8WithoutNul(f)) {
      return saslFail(malformedRequest, "PLAIN field too long or not UTF-8");
    }
  }
  m.authzid = std::string(authzid);
  m.authcid = std::string(authcid);
  m.password = std::string(password);
  return m;
}

bool verifyPlain(std::string_view password, const ScramCredentials& stored) {
  auto derived = deriveScramCredentials(stored.hash, password, stored.salt, stored.iterations);
  if (!derived) return false;
  // Both keys compared, both in constant time, no early exit between them.
  bool storedOk = detail::secretEqual(derived->storedKey, stored.storedKey);
  bool serverOk = detail::secretEqual(derived->serverKey, stored.serverKey);
  return storedOk && serverOk;
}

}  // namespace keyfed::xmpp
