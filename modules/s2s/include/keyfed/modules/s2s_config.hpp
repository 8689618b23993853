#pragma once
// The [s2s] config section (docs/federation.md, "Configuration"), in a
// library of its own so that keyfedctl can check the file without linking the
// module.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/config/section.hpp"
#include "keyfed/policy/facts.hpp"

namespace keyfed::modules {

// [[s2s.peer]]: what is required of one peer domain ("b.test", or
// "*.example.com" for its subdomains) and the keys pinned for it.
struct S2sPeerConfig {
  std::string domain;
  std::optional<policy::TrustLevel> level;  // overrides minimum_level
  std::vector<std::string> pinSha256;       // lowercase hex SHA-256 of the SPKI
};

// [[s2s.route]]: a static route replacing DNS for one domain.
struct S2sRouteConfig {
  std::string domain;
  std::string host;  // IP literal or name
  std::uint16_t port = 5269;
  bool directTls = false;  // XEP-0368: TLS from the first byte
};

// [[s2s.source]]: the address outgoing streams from one served domain
// connect from.
struct S2sSourceConfig {
  std::string domain;   // a served domain
  std::string address;  // an IP literal of this machine
};

// [s2s.redirect]: following <see-other-host/> (docs/clearinghouse.md,
// "Redirection service").
struct S2sRedirectConfig {
  // Redirects followed per attempt; 0: none (the stream fails instead).
  std::size_t maxRedirects = 2;
  // Domains whose servers may redirect us (a clearinghouse), besides the
  // target's own: the server must prove one of them with its certificate.
  std::vector<std::string> redirectors;
  // When the first record's host (the clearinghouse) does not answer: try the
  // next records (true, "next_record") or bounce (false, "fail_closed").
  bool fallback = true;
};

struct S2sConfig {
  bool requireTls = true;
  policy::TrustLevel minimumLevel = policy::TrustLevel::trusted;
  // Test setting only: peers that prove nothing are accepted.
  bool promiscuous = false;
  // When no allow/deny rule says anything: deny (the default) or allow.
  bool defaultAllow = false;
  std::vector<S2sPeerConfig> peers;
  std::vector<std::string> allowDomains;
  std::vector<std::string> denyDomains;
  std::vector<std::string> allowNetworks;  // CIDR
  std::vector<std::string> denyNetworks;
  // DNS servers ("ip" or "ip:port"); empty: only static routes are used.
  std::vector<std::string> dnsServers;
  std::vector<S2sRouteConfig> routes;
  // Where outgoing streams connect from, so that peers see the address they
  // know this server by (address whitelists, FAC Server_IP_Address): per
  // served domain, else source_address, else the s2s listener's address when
  // it is not a wildcard (S2sModule::sourceAddressFor).
  std::vector<S2sSourceConfig> sources;
  std::string sourceAddress;
  // Dialback secret (XEP-0185); empty: a random one per start.
  std::string dialbackSecret;
  std::chrono::seconds connectTimeout{10};
  // Bytes per second read from one peer stream; 0: unlimited.
  std::size_t bytesPerSecond = 0;
  // New incoming connections per address and minute; 0: unlimited.
  std::uint32_t connectionAttempts = 60;
  // Stanzas queued per domain pair while its outgoing stream is set up.
  std::size_t queueSize = 1000;
  S2sRedirectConfig redirect;

  // The rung required of `domain` (per-peer level, else minimum_level).
  [[nodiscard]] policy::TrustLevel levelFor(std::string_view domain) const;
  // Whether `spkiSha256` is a pin configured for `domain`.
  [[nodiscard]] bool pinned(std::string_view domain, std::string_view spkiSha256) const;
};

// Registers the [s2s] section parser (S2sConfig) with the config loader.
void registerS2sConfig(config::SectionRegistry& registry);

}  // namespace keyfed::modules
