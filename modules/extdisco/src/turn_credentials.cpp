#include "turn_credentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "keyfed/xmpp/sasl.hpp"

namespace keyfed::modules::extdisco {

TurnCredentials makeTurnCredentials(std::string_view secret, std::string_view user,
                                    base::SystemTime expires) {
  TurnCredentials c;
  const auto unix =
      std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  c.username = std::to_string(unix) + ":" + std::string(user);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(c.username.data()), c.username.size(), mac.data(),
       &length);
  c.password =
      xmpp::base64Encode(std::string_view(reinterpret_cast<const char*>(mac.data()), length));
  c.expires = expires;
  return c;
}

}  // namespace keyfed::modules::extdisco
