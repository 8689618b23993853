#pragma once
// The modules keyfed loads, in order. Composition lives here and nowhere else.

#include "keyfed/agent/module.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::app {

// Returns the FAC agent module, whose admin commands main() registers.
agent::AgentModule& addBuiltinModules(server::Server& server);

}  // namespace keyfed::app
