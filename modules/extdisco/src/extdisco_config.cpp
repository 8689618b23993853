#include "keyfed/modules/extdisco_config.hpp"

namespace keyfed::modules {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kSection = "external_services";
constexpr std::size_t kMaxServices = 32;

ExternalService parseService(config::TableReader& t) {
  static const std::vector<std::string_view> kTypes = {"stun", "stuns", "turn", "turns"};
  static const std::vector<std::string_view> kTransports = {"", "udp", "tcp"};
  ExternalService s;
  s.type = std::string(kTypes[t.choice("type", kTypes, 2)]);
  s.host = t.string("host", "", 255);
  if (s.host.empty()) t.error("host", "config.required", "every service needs a host");
  s.port = static_cast<std::uint16_t>(t.integer("port", 0, 0, 65535));
  s.transport = std::string(kTransports[t.choice("transport", kTransports, 0)]);
  s.secret = t.string("secret", "", 1024);
  s.username = t.string("username", "", 1024);
  s.password = t.string("password", "", 1024);
  if (!s.secret.empty() && !s.username.empty()) {
    t.error("secret", "config.conflict", "give a secret or a username and password, not both");
  }
  if (s.username.empty() != s.password.empty()) {
    t.error("password", "config.required", "static credentials need both username and password");
  }
  if ((s.type == "stun" || s.type == "stuns") && s.restricted()) {
    t.error("type", "config.value", "STUN servers take no credentials here; use turn");
  }
  return s;
}

}  // namespace

base::Result<void> registerExternalServicesConfig(config::SectionRegistry& registry) {
  return registry.add(std::string(kSection), [](config::TableReader& t) -> std::any {
    ExternalServicesConfig c;
    c.credentialTtl = t.seconds("credential_ttl", c.credentialTtl, 60s, 7 * 86400s);
    for (auto& service : t.tables("service", kMaxServices)) {
      c.services.push_back(parseService(service));
    }
    return c;
  });
}

ExternalServicesConfig externalServicesConfig(const config::Config& config) {
  const auto* section = config.section<ExternalServicesConfig>(kSection);
  return section != nullptr ? *section : ExternalServicesConfig{};
}

}  // namespace keyfed::modules
