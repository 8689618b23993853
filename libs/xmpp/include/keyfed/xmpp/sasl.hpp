#pragma once
// SASL pieces shared by the mechanisms (RFC 6120 section 6): failure
// conditions, the base64 framing of <auth/>/<challenge/>/<response/> data, and
// SASLprep (RFC 4013, via libidn).

#include "keyfed/base/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace keyfed::xmpp {

// RFC 6120 section 6.5, in the order of the RFC.
enum class SaslCondition {
  aborted,
  accountDisabled,
  credentialsExpired,
  encryptionRequired,
  incorrectEncoding,
  invalidAuthzid,
  invalidMechanism,
  malformedRequest,
  mechanismTooWeak,
  notAuthorized,
  temporaryAuthFailure,
};
inline constexpr int kSaslConditionCount = 11;

std::string_view conditionName(SaslCondition condition);  // "not-authorized"
std::optional<SaslCondition> parseSaslCondition(std::string_view name);

// SASL failures travel as base::Error with code "sasl.<condition>"; this reads it back.
std::optional<SaslCondition> saslConditionOf(const base::Error& error);
base::Failure saslFail(SaslCondition condition, std::string message);

// Standard base64 with padding (RFC 4648 section 4), as RFC 6120 6.4.2 requires.
std::string base64Encode(std::string_view bytes);
// Strict: no whitespace, correct padding, canonical trailing bits; at most
// maxDecoded output bytes. Error code sasl.incorrect-encoding.
base::Result<std::string> base64Decode(std::string_view text, std::size_t maxDecoded = 16UL * 1024);

// The character data of <auth/> or <response/>: "" means "no initial
// response", "=" means an empty one (RFC 6120 6.4.2); otherwise base64.
// Returns nullopt for "no data".
base::Result<std::optional<std::string>> decodeSaslPayload(std::string_view text,
                                                           std::size_t maxDecoded = 16UL * 1024);
// The inverse: "=" for an empty payload, base64 otherwise.
std::string encodeSaslPayload(std::string_view bytes);

// SASLprep (RFC 4013) of a UTF-8 string. `storedString` refuses unassigned
// code points (RFC 3454 section 7); queries allow them.
base::Result<std::string> saslprep(std::string_view text, bool storedString = false);

}  // namespace keyfed::xmpp
