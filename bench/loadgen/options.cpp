#include "options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

namespace keyfed::loadgen {

std::uint32_t Options::accountCount() const {
  return users == 0 ? connections : std::min(users, connections);
}

std::string Options::username(std::uint32_t connection) const {
  return userPrefix + std::to_string(connection % accountCount() + 1);
}

base::Result<Options> parseOptions(int argc, const char* const* argv) {
  Options o;
  CLI::App app{
      "keyfed-loadgen: logs N XMPP clients in over STARTTLS + SCRAM, then has pairs of them "
      "exchange chat messages and reports logins/s, messages/s and delivery latency.\n"
      "Exit status: 0 all well, 1 a connection failed or a message was lost, 2 usage error."};
  app.add_option("--host", o.host, "server address (an IP literal; loopback for benchmarks)")
      ->capture_default_str();
  app.add_option("--port", o.port, "c2s port (STARTTLS)")->capture_default_str();
  app.add_option("--domain", o.domain, "XMPP domain of the accounts (also the TLS SNI)")
      ->capture_default_str();
  app.add_option("--users", o.users,
                 "accounts user1..userN exist on the server (0: as many as connections); "
                 "connections beyond N reuse accounts with other resources")
      ->check(CLI::Range(0U, kMaxConnections));
  app.add_option("--user-prefix", o.userPrefix, "account name prefix")->capture_default_str();
  app.add_option("--password", o.password, "password of every account")->capture_default_str();
  app.add_option("--mechanism", o.mechanism, "SASL mechanism")
      ->check(CLI::IsMember({"SCRAM-SHA-256", "SCRAM-SHA-1"}))
      ->capture_default_str();
  app.add_option("--connections", o.connections, "client connections (pairs exchange messages)")
      ->check(CLI::Range(1U, kMaxConnections))
      ->capture_default_str();
  app.add_option("--connect-concurrency", o.connectConcurrency, "logins in progress at once")
      ->check(CLI::Range(1U, kMaxConnections))
      ->capture_default_str();
  app.add_option("--login-timeout", o.loginTimeout, "seconds for one login")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  app.add_flag("--prime,!--no-prime", o.prime,
               "log each account in once before the timed login storm, so the client's "
               "PBKDF2 runs are not counted against the server (default on)");
  app.add_option("--rate", o.rate,
                 "messages/s offered over all senders; 0: as fast as possible with a window of "
                 "--inflight per sender")
      ->check(CLI::Range(0.0, 1'000'000.0))
      ->capture_default_str();
  app.add_option("--inflight", o.inflight, "unanswered messages per sender when --rate is 0")
      ->check(CLI::Range(1U, 1000U))
      ->capture_default_str();
  app.add_option("--duration", o.duration, "seconds measured (0: only log in)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--warmup", o.warmup, "seconds of traffic before measuring")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  app.add_option("--drain", o.drain, "seconds to wait for messages in flight at the end")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  app.add_option("--message-bytes", o.messageBytes, "message body size in bytes")
      ->check(CLI::Range(std::size_t{1}, kMaxMessageBytes))
      ->capture_default_str();
  app.add_option("--server-pid", o.serverPid,
                 "server process to sample RSS from (/proc/PID/status) before and after login")
      ->check(CLI::PositiveNumber);
  app.add_flag("--json", o.json, "print the result as JSON on stdout");
  app.add_flag("-v,--verbose", o.verbose, "log progress and each failure to stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return base::fail("usage.help", app.help());
  } catch (const CLI::ParseError& e) {
    return base::fail("usage.error", std::string(e.what()) + "\nRun with --help for usage.");
  }
  return o;
}

}  // namespace keyfed::loadgen
