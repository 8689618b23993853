#pragma once
// The XEP-0114 handshake: the component proves it knows the shared secret by
// sending hex(SHA-1(stream id + secret)) in <handshake/>. Pure functions, no
// I/O, so the computation and the comparison are tested on their own.

#include <string>
#include <string_view>

namespace keyfed::modules::component {

// Lowercase hex SHA-1 of `streamId` followed by `secret` (XEP-0114 section 3).
std::string handshakeDigest(std::string_view streamId, std::string_view secret);

// Whether the component's <handshake/> text matches `expected` (a digest from
// handshakeDigest). Hex digits are compared case-insensitively (some
// components send uppercase) and in time that does not depend on where the
// first difference is, so an attacker cannot learn the digest byte by byte.
bool handshakeMatches(std::string_view expected, std::string_view received);

}  // namespace keyfed::modules::component
