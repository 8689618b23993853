// keyfed: the XMPP server. main() reads the config, opens storage, composes
// the server from its modules and runs the event loop until SIGTERM/SIGINT.
#include <sys/stat.h>

#include <unistd.h>
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <list>

#include "admin_commands.hpp"
#include "keyfed/base/clock.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/config/config.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/server/admin_service.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/storage/open.hpp"
#include "modules.hpp"
#include "sections.hpp"

namespace {

using namespace keyfed;

constexpr int kExitConfig = 2;
constexpr int kExitStartup = 1;
constexpr auto kShutdownGrace = std::chrono::seconds(5);

bool prepareDataDir(const std::filesystem::path& dir, const base::Logger& log) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    log.error("cannot create data directory {}: {}", dir.string(), ec.message());
    return false;
  }
  ::chmod(dir.c_str(), 0700);
  return true;
}

void writePidFile(const std::filesystem::path& file) {
  if (file.empty()) return;
  std::ofstream out(file, std::ios::trunc);
  out << ::getpid() << '\n';
}

// Reloading keeps every configuration ever loaded alive: modules may hold
// references into the old one until they have handled "config-reloaded", and
// reloads are rare enough that the memory does not matter.
class ConfigHistory {
 public:
  explicit ConfigHistory(config::Config first) { configs_.push_back(std::move(first)); }
  const config::Config& current() const { return configs_.back(); }
  base::Result<void> reload(server::Server& server) {
    auto next = config::loadConfig(current().file, app::configSections());
    if (!next) return base::fail(std::move(next).error());
    configs_.push_back(std::move(*next));
    server.reload(configs_.back());
    return {};
  }

 private:
  std::list<config::Config> configs_;
};

int run(ConfigHistory& history) {
  const config::Config& config = history.current();
  base::Logger log("main");
  if (!prepareDataDir(config.server.dataDir, log)) return kExitStartup;
  auto storage = storage::openStorage(config);
  if (!storage) {
    log.error("storage: {}", storage.error().describe());
    return kExitStartup;
  }
  net::EventLoop loop;
  server::Server server(config, **storage, loop, base::SystemClock::instance());
  const app::AdminModules modules = app::addBuiltinModules(server);
  if (auto started = server.start(); !started) {
    log.error("cannot start: {}", started.error().describe());
    return kExitStartup;
  }
  server::AdminService admin(loop);
  auto reload = [&]() -> base::Result<void> {
    auto reloaded = history.reload(server);
    if (!reloaded)
      log.error("reload refused, keeping the running configuration: {}",
                reloaded.error().describe());
    return reloaded;
  };
  if (!config.server.adminSocket.empty()) {
    app::registerAdminCommands(admin, server, reload);
    app::registerS2sAdminCommands(admin, modules.s2s);
    agent::registerAgentAdminCommands(admin, modules.agent);
    clearinghouse::registerClearinghouseAdminCommands(admin, modules.clearinghouse);
    if (auto listening = admin.listen(config.server.adminSocket); !listening) {
      log.error("admin socket: {}", listening.error().describe());
      return kExitStartup;
    }
  }
  writePidFile(config.server.pidFile);
  loop.handleSignals({SIGTERM, SIGINT, SIGHUP}, [&](int signo) {
    if (signo == SIGHUP) {
      (void)reload();
      return;
    }
    log.info("signal {}: shutting down", signo);
    admin.close();
    server.shutdown(kShutdownGrace, [&loop] { loop.stop(); });
  });
  log.info("keyfed {} serving {} virtual host(s)", server::serverVersion(),
           config.virtualHosts.size());
  loop.run();
  if (!config.server.pidFile.empty()) {
    std::error_code ignored;
    std::filesystem::remove(config.server.pidFile, ignored);
  }
  log.info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"keyfed: an XMPP server whose federation is governed by KeyNote trust management"};
  std::string configFile = "keyfed.toml";
  bool checkOnly = false;
  cli.add_option("-c,--config", configFile, "configuration file (TOML)");
  cli.add_flag("--check-config", checkOnly, "check the configuration file and exit");
  cli.add_flag_callback(
      "--version",
      [] {
        std::cout << "keyfed " << keyfed::server::serverVersion() << '\n';
        std::exit(0);
      },
      "print the version and exit");
  CLI11_PARSE(cli, argc, argv);

  auto registry = keyfed::app::configSections();
  auto config = keyfed::config::loadConfig(configFile, registry);
  if (!config) {
    std::cerr << config.error().message << '\n';
    return kExitConfig;
  }
  if (checkOnly) {
    std::cout << config->file.string() << ": ok\n";
    return 0;
  }
  keyfed::base::configureLogging(config->server.logLevel, config->server.logFile.string());
  ::signal(SIGPIPE, SIG_IGN);
  ConfigHistory history(std::move(*config));
  return run(history);
}
