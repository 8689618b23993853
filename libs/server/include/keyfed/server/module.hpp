#pragma once
// A module adds one feature (a XEP, c2s, s2s) through the narrow API of
// Server: hook events, register disco features, use storage, send stanzas.
// Modules never include each other; they meet only through events.

#include <string_view>

#include "keyfed/base/result.hpp"

namespace keyfed::server {

class Server;

class Module {
 public:
  virtual ~Module() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Hooks events and registers features. A failure stops the server from starting.
  virtual base::Result<void> load(Server& server) = 0;
  // Graceful shutdown has begun: stop accepting, close streams politely.
  virtual void shutdown() {}
};

}  // namespace keyfed::server
