#include "keyfed/xmpp/see_other_host.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace keyfed::xmpp {
namespace {

constexpr const char* kBadLocation = "xmpp.see-other-host";

base::Result<SeeOtherHost> bad(std::string_view text, std::string_view why) {
  return base::fail(kBadLocation,
                    "see-other-host '" + std::string(text) + "': " + std::string(why));
}

bool isIpv4(const std::string& s) {
  in_addr buf{};
  return inet_pton(AF_INET, s.c_str(), &buf) == 1;
}

bool isIpv6(const std::string& s) {
  in6_addr buf{};
  return inet_pton(AF_INET6, s.c_str(), &buf) == 1;
}

}  // namespace

std::string SeeOtherHost::text() const {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

base::Result<SeeOtherHost> parseSeeOtherHost(std::string_view text) {
  if (text.empty()) return bad(text, "empty");
  if (text.size() > kMaxSeeOtherHostBytes) {
    return base::fail(kBadLocation, "see-other-host is longer than " +
                                        std::to_string(kMaxSeeOtherHostBytes) + " bytes");
  }
  SeeOtherHost location;
  std::string_view portText;
  bool hasPort = false;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad(text, "no closing ']'");
    location.address = std::string(text.substr(1, close - 1));
    if (!isIpv6(location.address)) return bad(text, "not an IPv6 address in brackets");
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad(text, "expected ':port' after ']'");
      portText = rest.substr(1);
      hasPort = true;
    }
  } else {
    const auto colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) != std::string_view::npos) {
      return bad(text, "an IPv6 address must be in brackets ([2001:db8::7]:5269)");
    }
    location.address = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
      portText = text.substr(colon + 1);
      hasPort = true;
    }
    if (!isIpv4(location.address)) {
      return bad(text, "not an IP address (redirects to host names are not followed)");
    }
  }
  if (hasPort) {
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(portText.data(), portText.data() + portText.size(), value);
    if (portText.empty() || ec != std::errc{} || end != portText.data() + portText.size() ||
        value == 0 || value > 65535) {
      return bad(text, "the port must be 1..65535");
    }
    location.port = static_cast<std::uint16_t>(value);
  }
  return location;
}

}  // namespace keyfed::xmpp
