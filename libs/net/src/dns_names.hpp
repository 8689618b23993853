#pragma once
// Checking the names and addresses that go into DNS queries and into the
// c-ares server list, before anything is sent.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/result.hpp"

namespace keyfed::net {

// A domain as it goes on the wire: ASCII lowercased, one trailing dot
// removed, LDH labels (plus '_' for service labels) of 1..63 octets, at most
// 253 in all. Internationalised domains must already be A-labels.
base::Result<std::string> normalizeDnsName(std::string_view name);

// The canonical text of an IPv4 or IPv6 literal (brackets around IPv6
// allowed, as in an XMPP domain "[::1]"), or nothing when `text` is not one.
std::optional<std::string> ipLiteral(std::string_view text);

// "ip" or "ip:port" or "[ipv6]:port" entries -> the comma-separated form
// ares_set_servers_ports_csv() takes, every entry with an explicit port.
base::Result<std::string> aresServerList(const std::vector<std::string>& servers);

}  // namespace keyfed::net
