#pragma once
// The OpenSSL primitives SCRAM is built from (private to libs/xmpp).

#include "keyfed/xmpp/scram.hpp"

#include <string>
#include <string_view>

namespace keyfed::xmpp::detail {

std::string hashBytes(ScramHash hash, std::string_view data);
std::string hmac(ScramHash hash, std::string_view key, std::string_view data);
// PBKDF2-HMAC ("Hi" in RFC 5802); empty on failure.
std::string pbkdf2(ScramHash hash, std::string_view password, std::string_view salt,
                   std::uint32_t iterations);
// Constant-time equality (length is not secret).
bool secretEqual(std::string_view a, std::string_view b);
std::string xorBytes(std::string_view a, std::string_view b);

}  // namespace keyfed::xmpp::detail
