#include "keyfed/server/credentials.hpp"

#include "keyfed/xmpp/sasl.hpp"

namespace keyfed::server {
namespace {

storage::ScramCredential toStored(const xmpp::ScramCredentials& c) {
  storage::ScramCredential out;
  out.salt.assign(c.salt.begin(), c.salt.end());
  out.iterations = c.iterations;
  out.storedKey.assign(c.storedKey.begin(), c.storedKey.end());
  out.serverKey.assign(c.serverKey.begin(), c.serverKey.end());
  return out;
}

}  // namespace

base::Result<storage::Credentials> makeAccountCredentials(std::string_view password,
                                                          std::uint32_t iterations) {
  if (password.empty()) {
    return xmpp::saslFail(xmpp::SaslCondition::malformedRequest, "the password is empty");
  }
  auto sha1 = xmpp::makeScramCredentials(xmpp::ScramHash::sha1, password, iterations);
  if (!sha1) return base::fail(sha1.error());
  auto sha256 = xmpp::makeScramCredentials(xmpp::ScramHash::sha256, password, iterations);
  if (!sha256) return base::fail(sha256.error());
  return storage::Credentials{toStored(*sha1), toStored(*sha256)};
}

xmpp::ScramCredentials toScram(const storage::ScramCredential& stored, xmpp::ScramHash hash) {
  xmpp::ScramCredentials out;
  out.hash = hash;
  out.salt.assign(stored.salt.begin(), stored.salt.end());
  out.iterations = stored.iterations;
  out.storedKey.assign(stored.storedKey.begin(), stored.storedKey.end());
  out.serverKey.assign(stored.serverKey.begin(), stored.serverKey.end());
  return out;
}

}  // namespace keyfed::server
