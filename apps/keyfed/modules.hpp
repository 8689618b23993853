#pragma once
// The modules keyfed loads, in order. Composition lives here and nowhere else.

#include "keyfed/agent/module.hpp"
#include "keyfed/clearinghouse/module.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::app {

// The modules whose admin commands main() registers.
struct AdminModules {
  agent::AgentModule& agent;
  clearinghouse::ClearinghouseModule& clearinghouse;
  server::Module& s2s;
};
AdminModules addBuiltinModules(server::Server& server);

}  // namespace keyfed::app
