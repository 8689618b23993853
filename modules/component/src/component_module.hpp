#pragma once
// The component module (XEP-0114, docs/components.md): opens the component
// listeners, registers each [[component]] domain with the router (as the MUC
// service registers its own), hands the stanzas for a domain to its connected
// component, and throttles failed handshakes per address.

#include <cstddef>
#include <deque>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keyfed/base/log.hpp"
#include "keyfed/modules/component_config.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/server/auth_throttle.hpp"
#include "keyfed/server/module.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::modules::component {

class ComponentSession;

// One configured component and its connection, if any.
struct ComponentRoute {
  ComponentEntry entry;
  ComponentSession* connected = nullptr;
};

class ComponentModule final : public server::Module {
 public:
  ComponentModule();
  ~ComponentModule() override;

  [[nodiscard]] std::string_view name() const override { return "component"; }
  base::Result<void> load(server::Server& server) override;
  void shutdown() override;

  // A new connection (from a listener, or a test's stream).
  void accept(std::unique_ptr<net::ByteStream> stream);
  // Called by a session once its stream is closed; destroys it after the
  // current handler returns.
  void release(ComponentSession* session);

  // The configured component for a stream header's 'to', or nullptr.
  ComponentRoute* findRoute(std::string_view domain);
  server::AuthThrottle& throttle() { return *throttle_; }
  const base::Logger& log() const { return log_; }
  [[nodiscard]] std::size_t sessionCount() const { return sessions_.size(); }

 private:
  bool onStanzaFor(ComponentRoute& route, server::StanzaEvent& event);
  base::Result<void> openListeners();

  server::Server* server_ = nullptr;
  std::deque<ComponentRoute> routes_;  // stable addresses: the hooks point at them
  std::vector<std::unique_ptr<net::Listener>> listeners_;
  std::unordered_map<ComponentSession*, std::unique_ptr<ComponentSession>> sessions_;
  std::unique_ptr<server::AuthThrottle> throttle_;
  base::Logger log_{"component"};
};

}  // namespace keyfed::modules::component
