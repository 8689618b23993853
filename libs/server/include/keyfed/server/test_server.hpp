#pragma once
// A complete Server for module tests: a config with virtual hosts, a real
// SQLite database in a temporary directory, an event loop and a fake clock.
// No sockets: clients are TestClientSessions.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/config/config.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/server/test_client_session.hpp"
#include "keyfed/storage/stores.hpp"

namespace keyfed::server {

// <message to='TO' type='TYPE'><body>BODY</body></message> (no body when empty), as a
// client would send it.
xml::Element makeMessage(std::string_view to, std::string_view body,
                         std::string_view type = "chat");

class TestServer {
 public:
  // `extraConfig` is appended to a minimal TOML config serving `domains`
  // (no certificates, no listeners). Aborts the test binary on a bad config.
  explicit TestServer(const std::vector<std::string>& domains = {"example.test"},
                      std::string_view extraConfig = {});
  ~TestServer();

  // Adds modules, then starts the server (loads them). Returns start()'s result.
  base::Result<void> start(std::vector<std::unique_ptr<Module>> modules = {});
  // Creates an account with this password (SCRAM credentials, as keyfedctl does).
  void addUser(std::string_view user, std::string_view host, std::string_view password = "pw");
  // A bound client session user@host/resource.
  std::unique_ptr<TestClientSession> connect(std::string_view user, std::string_view host,
                                             std::string_view resource = "test");
  // Runs what was posted to the loop.
  void poll() { loop.poll(); }

  std::filesystem::path dir;
  config::Config config;
  std::unique_ptr<storage::Storage> storage;
  net::EventLoop loop;
  base::FakeClock clock;
  std::unique_ptr<Server> server;
};

}  // namespace keyfed::server
