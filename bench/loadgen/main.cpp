// keyfed-loadgen: an XMPP load generator on keyfed's own libraries (libs/net,
// libs/xml, libs/xmpp). One thread, one event loop, many connections; see
// load_run.hpp for the phases and docs/performance.md for how it is used.

#include <csignal>
#include <cstdio>
#include <iostream>

#include "keyfed/base/log.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/net/tls.hpp"
#include "load_run.hpp"
#include "options.hpp"
#include "process_stats.hpp"
#include "report.hpp"

int main(int argc, char** argv) {
  using namespace keyfed;
  auto options = loadgen::parseOptions(argc, argv);
  if (!options) {
    const bool help = options.error().code == "usage.help";
    (help ? std::cout : std::cerr) << options.error().message << "\n";
    return help ? 0 : 2;
  }
  base::configureLogging(options->verbose ? base::LogLevel::info : base::LogLevel::warn);
  base::Logger log("loadgen");

  // One descriptor per connection, plus a few for the loop and stdio.
  const std::uint64_t needed = options->connections + 64;
  if (loadgen::raiseFileLimit(needed) < needed) {
    log.error("the open-file limit is below {}: raise it (ulimit -n)", needed);
    return 2;
  }

  net::TlsClientSettings tlsSettings;
  tlsSettings.verifyPeer = false;  // benchmarks run against self-signed loopback servers
  auto tls = net::TlsClientContext::create(tlsSettings);
  if (!tls) {
    log.error("TLS: {}", tls.error().describe());
    return 2;
  }

  net::EventLoop loop;
  const std::string host = options->host;
  const std::uint16_t port = options->port;
  loadgen::Connector connector = [&loop, host, port](auto onConnected) {
    net::connectTcp(loop, host, port, std::move(onConnected));
  };
  loadgen::LoadRun run(loop, *options, connector, *tls);
  loop.handleSignals({SIGINT, SIGTERM}, [&run](int) { run.interrupt(); });
  const loadgen::RunResult result = run.run();

  if (options->json) {
    std::cout << loadgen::jsonReport(result) << std::endl;
  } else {
    std::cout << loadgen::textReport(result) << std::flush;
  }
  return result.ok() ? 0 : 1;
}
