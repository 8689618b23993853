#pragma once
// The modules keyfed loads, in order. Composition lives here and nowhere else.

#include "keyfed/server/server.hpp"

namespace keyfed::app {

void addBuiltinModules(server::Server& server);

}  // namespace keyfed::app
