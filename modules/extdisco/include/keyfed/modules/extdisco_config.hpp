#pragma once
// The [external_services] config section (docs/external-services.md): the
// STUN and TURN servers clients learn about through XEP-0215, for audio and
// video calls. In a library of its own so that keyfedctl checks the file
// without the module.
//
//   [external_services]
//   credential_ttl = 86400          # seconds the TURN credentials we hand out stay valid
//
//   [[external_services.service]]
//   type = "turn"                   # stun, stuns, turn, turns
//   host = "turn.example.org"
//   port = 3478
//   transport = "udp"               # udp or tcp
//   secret = "..."                  # coturn's static-auth-secret: time-limited credentials
//   # or: username = "..." and password = "..." (static credentials)

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::modules {

struct ExternalService {
  std::string type;  // stun, stuns, turn, turns
  std::string host;
  std::uint16_t port = 0;  // 0: the type's default, not sent
  std::string transport;   // "udp", "tcp", or "" (not sent)
  std::string secret;      // shared with the TURN server (TURN REST API)
  std::string username;    // static credentials, when no secret
  std::string password;
  [[nodiscard]] bool restricted() const { return !secret.empty() || !username.empty(); }
};

struct ExternalServicesConfig {
  std::chrono::seconds credentialTtl{86400};
  std::vector<ExternalService> services;
};

// Registers [external_services] with the loader.
base::Result<void> registerExternalServicesConfig(config::SectionRegistry& registry);

// The configured values, or none when the section was not registered or is absent.
ExternalServicesConfig externalServicesConfig(const config::Config& config);

}  // namespace keyfed::modules
