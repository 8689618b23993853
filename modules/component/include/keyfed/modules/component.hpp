#pragma once
// XEP-0114 external components: gateways, bridges and bots that connect to a
// component listener with a shared secret and serve a domain of their own
// (docs/components.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeComponentModule();

}  // namespace keyfed::modules
