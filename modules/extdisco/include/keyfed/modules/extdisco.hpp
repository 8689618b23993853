#pragma once
// XEP-0215 external service discovery (docs/external-services.md): local
// users ask their server for the STUN/TURN servers to use in calls, and get
// time-limited TURN credentials for them.

#include <memory>
#include <optional>

#include "keyfed/modules/extdisco_config.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::modules {

// `config`: given by tests; otherwise the [external_services] section.
std::unique_ptr<server::Module> makeExternalServicesModule(
    std::optional<ExternalServicesConfig> config = {});

}  // namespace keyfed::modules
