#pragma once
// The location an RFC 6120 <see-other-host/> stream error carries (4.9.3.19),
// as keyfed writes and follows it: an IP literal and a port
// (docs/clearinghouse.md, "Redirection service"). No I/O.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"

namespace keyfed::xmpp {

// Where a redirect sends a stream.
struct SeeOtherHost {
  std::string address;  // IPv4 or IPv6 literal, without brackets
  std::uint16_t port = 5269;

  // "192.0.2.7:5269", "[2001:db8::7]:5269": the element's content.
  [[nodiscard]] std::string text() const;
  friend bool operator==(const SeeOtherHost&, const SeeOtherHost&) = default;
};

// The longest location read ("[v6 literal]:65535" is at most 47 bytes).
inline constexpr std::size_t kMaxSeeOtherHostBytes = 64;

// Reads "ipv4", "ipv4:port", "[ipv6]" or "[ipv6]:port" (no port: 5269).
// Refused (xmpp.see-other-host): host names (following one would rest the
// connection on DNS again, which a clearinghouse's redirect replaces), bare
// IPv6 without brackets, ports outside 1..65535, whitespace, anything longer
// than kMaxSeeOtherHostBytes.
base::Result<SeeOtherHost> parseSeeOtherHost(std::string_view text);

}  // namespace keyfed::xmpp
