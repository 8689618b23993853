#pragma once
// Time-limited TURN credentials from a secret shared with the TURN server
// (the "TURN REST API" of draft-uberti-behave-turn-rest, which coturn's
// use-auth-secret, Prosody and ejabberd implement): the username is
// "<expiry unix time>:<user>", the password base64(HMAC-SHA1(secret,
// username)). The TURN server recomputes the password and refuses expired
// usernames, so nothing is stored and nothing is shared per user.

#include <string>
#include <string_view>

#include "keyfed/base/clock.hpp"

namespace keyfed::modules::extdisco {

struct TurnCredentials {
  std::string username;
  std::string password;
  base::SystemTime expires;
};

TurnCredentials makeTurnCredentials(std::string_view secret, std::string_view user,
                                    base::SystemTime expires);

}  // namespace keyfed::modules::extdisco
