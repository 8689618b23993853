#pragma once
// Account passwords become SCRAM-SHA-1 and SCRAM-SHA-256 salted credentials
// (docs/sasl.md); the password itself is never stored. Shared by keyfedctl,
// in-band registration and tests so that all create accounts the same way.

#include <cstdint>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/storage/types.hpp"
#include "keyfed/xmpp/scram.hpp"

namespace keyfed::server {

inline constexpr std::uint32_t kDefaultScramIterations = 4096;

// Fresh salts for both hashes. Fails (sasl.malformed-request) for an empty
// password or one that SASLprep refuses.
base::Result<storage::Credentials> makeAccountCredentials(
    std::string_view password, std::uint32_t iterations = kDefaultScramIterations);

// The stored credential for one hash, as the SCRAM server wants it.
xmpp::ScramCredentials toScram(const storage::ScramCredential& stored, xmpp::ScramHash hash);

}  // namespace keyfed::server
