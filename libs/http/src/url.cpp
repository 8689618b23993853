// Reading https URLs for keyfed's HTTPS clients.

#include "keyfed/http/url.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>

namespace keyfed::http {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;

base::Result<HttpsUrl> bad(std::string message) {
  return base::fail("http.url", std::move(message));
}

bool isAddress(const std::string& host, bool v6) {
  std::array<unsigned char, 16> out{};
  return ::inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), out.data()) == 1;
}

// A DNS name: labels of letters, digits and '-', 1-63 bytes, at most 253 in all.
bool isHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t label = 0;
  for (const char c : host) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || ++label > 63) return false;
  }
  return label != 0;
}

}  // namespace

std::string HttpsUrl::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 443) out += ":" + std::to_string(port);
  return out;
}

base::Result<HttpsUrl> parseHttpsUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() > kMaxUrlBytes) return bad("the URL is longer than 2048 bytes");
  if (!url.starts_with(kScheme)) return bad("the URL must be https://HOST[:PORT][/PATH]");
  url.remove_prefix(kScheme.size());
  HttpsUrl u;
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) u.target = std::string(url.substr(slash));
  for (const char c : u.target) {
    if (c <= ' ' || c >= 0x7f) return bad("the URL's path must be visible ASCII (percent-encode)");
  }
  if (u.target.find('#') != std::string::npos) return bad("the URL must not have a fragment");
  if (authority.find('@') != std::string_view::npos) return bad("the URL must not hold user info");
  std::string_view portText;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in the URL's host");
    u.host = std::string(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(":")) return bad("junk after the URL's IPv6 host");
    if (!rest.empty()) portText = rest.substr(1);
    if (!isAddress(u.host, true)) return bad("'" + u.host + "' is not an IPv6 address");
    u.hostIsAddress = true;
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      portText = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
    }
    u.host = std::string(authority);
    for (char& c : u.host) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (u.host.empty()) return bad("no host in the URL");
    u.hostIsAddress = isAddress(u.host, false);
    if (!u.hostIsAddress && !isHostName(u.host)) {
      return bad("'" + u.host + "' is neither a host name nor an IP address");
    }
  }
  if (portText.empty() && url.substr(0, slash).ends_with(":")) {
    return bad("empty port in the URL");
  }
  if (!portText.empty()) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc{} || end != portText.data() + portText.size() || port == 0 ||
        port > 65535) {
      return bad("bad port in the URL");
    }
    u.port = static_cast<std::uint16_t>(port);
  }
  return u;
}

}  // namespace keyfed::http
