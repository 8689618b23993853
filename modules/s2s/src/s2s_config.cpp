// The [s2s] section (docs/federation.md, "Configuration"). Peers and routes
// are arrays of tables ([[s2s.peer]], [[s2s.route]]) because a TableReader
// reads known keys only; a domain is a value, never a key.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "keyfed/modules/s2s_config.hpp"
#include "keyfed/policy/static_decider.hpp"

namespace keyfed::modules {
namespace {

using namespace std::chrono_literals;

// The rungs a config may require ("none" would mean promiscuous, which is
// named explicitly instead).
const std::vector<std::string_view>& levelNames() {
  static const std::vector<std::string_view> names = {"verified", "secure", "trusted", "pinned"};
  return names;
}
constexpr std::array<policy::TrustLevel, 4> kLevels = {
    policy::TrustLevel::verified, policy::TrustLevel::secure, policy::TrustLevel::trusted,
    policy::TrustLevel::pinned};

bool isHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string lower(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// A domain or "*.domain": letters, digits, '-', '.', no empty label.
bool plausibleDomain(std::string_view d) {
  if (d.starts_with("*.")) d.remove_prefix(2);
  if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.') return false;
  if (d.find("..") != std::string_view::npos) return false;
  return std::all_of(d.begin(), d.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// "host:port", "[v6]:port", or "host" (port 5269).
bool parseHostPort(std::string_view text, std::string& host, std::uint16_t& port) {
  std::string_view portText;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return false;
    host = std::string(text.substr(1, close - 1));
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      portText = rest.substr(1);
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') != colon) {
      host = std::string(text);  // a bare IPv6 literal
    } else if (colon != std::string_view::npos) {
      host = std::string(text.substr(0, colon));
      portText = text.substr(colon + 1);
    } else {
      host = std::string(text);
    }
  }
  if (host.empty()) return false;
  if (!portText.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
    if (ec != std::errc{} || end != portText.data() + portText.size() || value == 0 ||
        value > 65535) {
      return false;
    }
    port = static_cast<std::uint16_t>(value);
  }
  return true;
}

void readDomains(config::TableReader& t, std::string_view key, std::vector<std::string>& out) {
  out = t.strings(key, {}, 10000, 253);
  for (auto& d : out) {
    d = lower(d);
    if (!plausibleDomain(d)) {
      t.error(key, "config.value", "'" + d + "' is not a domain or *.domain pattern");
    }
  }
}

void readNetworks(config::TableReader& t, std::string_view key, std::vector<std::string>& out) {
  out = t.strings(key, {}, 10000, 64);
  for (const auto& n : out) {
    if (auto valid = policy::validateNetwork(n); !valid) {
      t.error(key, "config.value", valid.error().message);
    }
  }
}

void readPeers(config::TableReader& t, S2sConfig& c) {
  for (auto& p : t.tables("peer", 10000)) {
    S2sPeerConfig peer;
    peer.domain = lower(p.string("domain", "", 253));
    if (peer.domain.empty() || !plausibleDomain(peer.domain)) {
      p.error("domain", peer.domain.empty() ? "config.missing" : "config.value",
              "a peer needs a domain (\"b.test\" or \"*.example.com\")");
    }
    if (p.has("level")) peer.level = kLevels.at(p.choice("level", levelNames(), 2));
    peer.pinSha256 = p.strings("pin_sha256", {}, 16, 64);
    for (auto& pin : peer.pinSha256) {
      pin = lower(pin);
      if (!isHex64(pin)) {
        p.error("pin_sha256", "config.value",
                "a pin is the SHA-256 of the SubjectPublicKeyInfo as 64 hex digits");
      }
    }
    c.peers.push_back(std::move(peer));
  }
}

void readRoutes(config::TableReader& t, S2sConfig& c) {
  for (auto& r : t.tables("route", 10000)) {
    S2sRouteConfig route;
    route.domain = lower(r.string("domain", "", 253));
    if (route.domain.empty() || !plausibleDomain(route.domain) || route.domain.starts_with("*")) {
      r.error("domain", route.domain.empty() ? "config.missing" : "config.value",
              "a route needs the peer's domain");
    }
    const std::string address = r.string("address", "", 300);
    if (!parseHostPort(address, route.host, route.port)) {
      r.error("address", address.empty() ? "config.missing" : "config.value",
              "expected \"host:port\" (e.g. \"127.0.0.2:5269\" or \"[::1]:5269\")");
    }
    route.directTls = r.boolean("direct_tls", false);
    c.routes.push_back(std::move(route));
  }
}

bool isIpLiteral(const std::string& text) {
  in6_addr buf{};
  return inet_pton(AF_INET, text.c_str(), &buf) == 1 ||
         inet_pton(AF_INET6, text.c_str(), &buf) == 1;
}

void readSources(config::TableReader& t, S2sConfig& c) {
  c.sourceAddress = t.string("source_address", "", 64);
  if (!c.sourceAddress.empty() && !isIpLiteral(c.sourceAddress)) {
    t.error(
        "source_address", "config.value",
        "'" + c.sourceAddress + "' is not an IP address (e.g. \"192.0.2.7\" or \"2001:db8::7\")");
  }
  for (auto& r : t.tables("source", 10000)) {
    S2sSourceConfig source;
    source.domain = lower(r.string("domain", "", 253));
    if (source.domain.empty() || !plausibleDomain(source.domain) ||
        source.domain.starts_with("*")) {
      r.error("domain", source.domain.empty() ? "config.missing" : "config.value",
              "a source needs the served domain it applies to");
    }
    source.address = r.string("address", "", 64);
    if (!isIpLiteral(source.address)) {
      r.error("address", source.address.empty() ? "config.missing" : "config.value",
              "expected an IP address of this machine (e.g. \"192.0.2.7\")");
    }
    c.sources.push_back(std::move(source));
  }
}

void readRedirect(config::TableReader& s2s, S2sConfig& c) {
  auto t = s2s.tableOrEmpty("redirect");
  c.redirect.maxRedirects = static_cast<std::size_t>(
      t.integer("max_redirects", static_cast<std::int64_t>(c.redirect.maxRedirects), 0, 10));
  readDomains(t, "redirectors", c.redirect.redirectors);
  for (const auto& d : c.redirect.redirectors) {
    if (d.starts_with("*")) t.error("redirectors", "config.value", "a redirector is one domain");
  }
  c.redirect.fallback = t.choice("fallback", {"next_record", "fail_closed"}, 0) == 0;
}

S2sConfig readS2s(config::TableReader& t) {
  S2sConfig c;
  c.requireTls = t.boolean("require_tls", c.requireTls);
  c.minimumLevel = kLevels.at(t.choice("minimum_level", levelNames(), 2));
  c.promiscuous = t.boolean("promiscuous", false);
  c.defaultAllow = t.choice("default", {"deny", "allow"}, 0) == 1;
  readDomains(t, "allow_domains", c.allowDomains);
  readDomains(t, "deny_domains", c.denyDomains);
  readNetworks(t, "allow_networks", c.allowNetworks);
  readNetworks(t, "deny_networks", c.denyNetworks);
  c.dnsServers = t.strings("dns_servers", {}, 8, 64);
  for (const auto& server : c.dnsServers) {
    std::string host;
    std::uint16_t port = 53;
    in6_addr buf{};
    if (!parseHostPort(server, host, port) || (inet_pton(AF_INET, host.c_str(), &buf) != 1 &&
                                               inet_pton(AF_INET6, host.c_str(), &buf) != 1)) {
      t.error("dns_servers", "config.value",
              "'" + server + "' is not an IP address with an optional :port");
    }
  }
  c.dialbackSecret = t.string("dialback_secret", "", 1024);
  c.connectTimeout = t.seconds("connect_timeout", c.connectTimeout, 1s, 300s);
  c.bytesPerSecond = static_cast<std::size_t>(t.integer("bytes_per_second", 0, 0, 1LL << 32));
  c.connectionAttempts =
      static_cast<std::uint32_t>(t.integer("connection_attempts", c.connectionAttempts, 0, 100000));
  c.queueSize = static_cast<std::size_t>(
      t.integer("queue_size", static_cast<std::int64_t>(c.queueSize), 1, 1000000));
  readPeers(t, c);
  readRoutes(t, c);
  readSources(t, c);
  readRedirect(t, c);
  return c;
}

const S2sPeerConfig* findPeer(const std::vector<S2sPeerConfig>& peers, std::string_view domain) {
  for (const auto& p : peers) {
    if (p.domain == domain) return &p;
  }
  for (const auto& p : peers) {
    if (policy::domainMatches(p.domain, domain)) return &p;
  }
  return nullptr;
}

}  // namespace

policy::TrustLevel S2sConfig::levelFor(std::string_view domain) const {
  const auto* peer = findPeer(peers, domain);
  return peer != nullptr && peer->level ? *peer->level : minimumLevel;
}

bool S2sConfig::pinned(std::string_view domain, std::string_view spkiSha256) const {
  if (spkiSha256.empty()) return false;
  for (const auto& p : peers) {
    if (!policy::domainMatches(p.domain, domain)) continue;
    if (std::find(p.pinSha256.begin(), p.pinSha256.end(), spkiSha256) != p.pinSha256.end()) {
      return true;
    }
  }
  return false;
}

void registerS2sConfig(config::SectionRegistry& registry) {
  (void)registry.add("s2s", [](config::TableReader& t) -> std::any { return readS2s(t); });
}

}  // namespace keyfed::modules
