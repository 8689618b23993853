#include "dns_names.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace keyfed::net {

namespace {

constexpr std::size_t kMaxNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::optional<std::uint16_t> parsePort(std::string_view text) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

base::Result<std::string> normalizeDnsName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  auto bad = [&] {
    return base::fail("dns.bad-domain",
                      "not a DNS name (labels of 1-63 letters, digits, '_' and inner '-'; "
                      "internationalised names as A-labels): '" +
                          std::string(name) + "'");
  };
  if (name.empty() || name.size() > kMaxNameLength) return bad();
  std::string out;
  out.reserve(name.size());
  std::size_t start = 0;
  while (start <= name.size()) {
    auto end = name.find('.', start);
    if (end == std::string_view::npos) end = name.size();
    const auto label = name.substr(start, end - start);
    if (label.empty() || label.size() > kMaxLabelLength || label.front() == '-' ||
        label.back() == '-') {
      return bad();
    }
    for (char c : label) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (!isNameChar(c)) return bad();
      out.push_back(c);
    }
    if (end < name.size()) out.push_back('.');
    start = end + 1;
  }
  return out;
}

std::optional<std::string> ipLiteral(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string copy(text);
  unsigned char bytes[16];
  char canonical[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, copy.c_str(), bytes) == 1) {
    return inet_ntop(AF_INET, bytes, canonical, sizeof canonical)
               ? std::optional(std::string(canonical))
               : std::nullopt;
  }
  if (inet_pton(AF_INET6, copy.c_str(), bytes) == 1) {
    return inet_ntop(AF_INET6, bytes, canonical, sizeof canonical)
               ? std::optional(std::string(canonical))
               : std::nullopt;
  }
  return std::nullopt;
}

base::Result<std::string> aresServerList(const std::vector<std::string>& servers) {
  std::string csv;
  for (const auto& entry : servers) {
    std::string_view host = entry;
    std::uint16_t port = 53;
    bool bracketed = false;
    if (!host.empty() && host.front() == '[') {
      const auto close = host.find(']');
      if (close == std::string_view::npos)
        host = {};
      else {
        const auto rest = host.substr(close + 1);
        host = host.substr(1, close - 1);
        bracketed = true;
        if (!rest.empty()) {
          auto parsed = rest.front() == ':' ? parsePort(rest.substr(1)) : std::nullopt;
          if (!parsed)
            host = {};
          else
            port = *parsed;
        }
      }
    } else if (host.find(':') == host.rfind(':') && host.find(':') != std::string_view::npos) {
      // Exactly one colon: IPv4 with a port. More than one: a bare IPv6 address.
      const auto colon = host.find(':');
      auto parsed = parsePort(host.substr(colon + 1));
      if (!parsed)
        host = {};
      else
        port = *parsed;
      host = host.substr(0, colon);
    }
    auto address = ipLiteral(host);
    if (!address || (bracketed && address->find(':') == std::string::npos)) {
      return base::fail(
          "dns.bad-server",
          "DNS server must be \"ip\", \"ip:port\" or \"[ipv6]:port\", not '" + entry + "'");
    }
    if (!csv.empty()) csv += ',';
    if (address->find(':') != std::string::npos)
      csv += "[" + *address + "]";
    else
      csv += *address;
    csv += ":" + std::to_string(port);
  }
  return csv;
}

}  // namespace keyfed::net
