#pragma once
// "https://HOST[:PORT][/PATH]" as keyfed's HTTPS clients take it
// (`keyfedctl fac request --https`, `[clearinghouse_member] bootstrap_url`).
// Only https; no user info, no fragment; HOST is a name or an IP literal
// (IPv6 in brackets). The path (with its query) must be visible ASCII, so a
// URL can never smuggle a header into the request it becomes.

#include <cstdint>
#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"

namespace keyfed::http {

// keyfed's own HTTPS listener port (docs/http.md) when the URL names none.
inline constexpr std::uint16_t kDefaultHttpsPort = 5443;

struct HttpsUrl {
  std::string host;  // without brackets; lower case
  std::uint16_t port = kDefaultHttpsPort;
  std::string target = "/";    // path and query, as sent in the request line
  bool hostIsAddress = false;  // an IP literal, not a name

  // "host[:port]" as the Host header carries it (IPv6 in brackets).
  [[nodiscard]] std::string authority() const;
};

// Errors: code "http.url" with what is wrong.
base::Result<HttpsUrl> parseHttpsUrl(std::string_view url);

}  // namespace keyfed::http
