#pragma once
// SASL PLAIN (RFC 4616), accepted only over TLS (the caller's decision), and
// verified against the SCRAM stored keys so that no plaintext password is
// ever stored.

#include "keyfed/base/result.hpp"
#include "keyfed/xmpp/scram.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace keyfed::xmpp {

struct PlainMessage {
  std::string authzid;  // may be empty
  std::string authcid;
  std::string password;
};

// Parses "authzid NUL authcid NUL passwd". Each field must be valid UTF-8
// without NUL, authcid and password non-empty, each at most 1023 bytes.
// Errors: sasl.malformed-request.
base::Result<PlainMessage> parsePlain(std::string_view message);

// Derives SaltedPassword from the stored salt and iterations and compares the
// resulting StoredKey and ServerKey in constant time. False on any mismatch
// or when the password fails SASLprep.
bool verifyPlain(std::string_view password, const ScramCredentials& stored);

}  // namespace keyfed::xmpp
