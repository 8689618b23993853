#pragma once
// Lexical pieces of SCRAM messages (RFC 5802 section 7), private to libs/xmpp.

#include "keyfed/base/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyfed::xmpp::detail {

struct ScramAttribute {
  char name;
  std::string_view value;
};

// Splits "r=...,s=...,i=..." into (letter, value) pairs. Every field must be
// an ASCII letter, '=', and a value without ','. Error: sasl.malformed-request.
base::Result<std::vector<ScramAttribute>> splitAttributes(std::string_view text);

// saslname: "=2C" -> ',', "=3D" -> '='; any other '=' is an error, as are an
// empty result, NUL and invalid UTF-8.
base::Result<std::string> decodeSaslName(std::string_view text);
std::string encodeSaslName(std::string_view name);

// printable = %x21-2B / %x2D-7E (RFC 5802), non-empty.
bool isPrintableNonce(std::string_view nonce);

// A positive decimal without sign or leading zeros, at most `max`.
std::optional<std::uint32_t> parseIterations(std::string_view text, std::uint32_t max);

// cb-name = 1*(ALPHA / DIGIT / "." / "-")
bool isChannelBindingName(std::string_view name);

}  // namespace keyfed::xmpp::detail
