#pragma once
// The c2s module: opens the c2s listeners, owns the sessions, throttles failed
// authentication per address, and closes every stream on shutdown.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bosh_session.hpp"
#include "c2s_session.hpp"
#include "keyfed/http/router.hpp"
#include "keyfed/modules/websocket_config.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/server/auth_throttle.hpp"
#include "keyfed/server/module.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::modules::c2s {

class C2sSession;

class C2sModule final : public server::Module {
 public:
  // `https`: where the WebSocket and host-meta routes go ([websocket]), or
  // nullptr for none.
  explicit C2sModule(http::Router* https = nullptr);
  ~C2sModule() override;

  [[nodiscard]] std::string_view name() const override { return "c2s"; }
  base::Result<void> load(server::Server& server) override;
  void shutdown() override;

  // Called by a session once its stream is closed; destroys it after the
  // current handler returns.
  void release(C2sSession* session);
  server::AuthThrottle& throttle() { return *throttle_; }
  const base::Logger& log() const { return log_; }
  [[nodiscard]] std::size_t sessionCount() const { return sessions_.size(); }

  // Resources one account may bind at once.
  static constexpr std::size_t kMaxResourcesPerAccount = 64;

 private:
  void accept(std::unique_ptr<net::ByteStream> stream, Framing framing);
  // websocket_routes.cpp
  base::Result<void> addWebSocketRoutes(http::Router& routes);
  base::Result<void> addWebSocketUpgrade(http::Router& routes, const WebSocketConfig& ws);
  // bosh_routes.cpp
  base::Result<void> addBoshRoutes(http::Router& routes);
  void onBoshRequest(const http::Request& request, http::Responder responder);

  http::Router* https_ = nullptr;

  server::Server* server_ = nullptr;
  std::vector<std::unique_ptr<net::Listener>> listeners_;
  // Before the sessions: a BOSH session's stream unregisters itself when its session goes.
  std::unique_ptr<BoshSessions> bosh_;  // set when [bosh] is enabled on an https listener
  std::unordered_map<C2sSession*, std::unique_ptr<C2sSession>> sessions_;
  std::unique_ptr<server::AuthThrottle> throttle_;
  base::Logger log_{"c2s"};
};

}  // namespace keyfed::modules::c2s
