#include "modules.hpp"

#include "keyfed/modules/c2s.hpp"

namespace keyfed::app {

void addBuiltinModules(server::Server& server) {
  // Feature modules first so their hooks and disco features exist before the
  // first client connects; c2s (which opens the listeners) last.
  server.addModule(modules::makeC2sModule());
}

}  // namespace keyfed::app
