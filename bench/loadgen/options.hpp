#pragma once
// What one keyfed-loadgen run does, as given on the command line.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "keyfed/base/result.hpp"

namespace keyfed::loadgen {

// Hard bounds: the generator is for loopback benchmarks, not for flooding.
inline constexpr std::uint32_t kMaxConnections = 5000;
inline constexpr std::size_t kMaxMessageBytes = 65536;

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5222;
  std::string domain = "localhost";
  std::uint32_t users = 0;  // accounts user1..userN; 0: as many as connections
  std::string userPrefix = "user";
  std::string password = "password";
  std::string mechanism = "SCRAM-SHA-256";
  std::uint32_t connections = 100;
  std::uint32_t connectConcurrency = 64;  // logins in progress at once
  double loginTimeout = 30;               // seconds per connection
  bool prime = true;                      // log each account in once before the storm
  double rate = 0;                        // messages/s over all senders; 0: window mode
  std::uint32_t inflight = 8;             // window per sender when rate is 0
  double duration = 10;                   // seconds measured; 0: logins only
  double warmup = 2;                      // seconds of traffic before measuring
  double drain = 10;                      // seconds to wait for messages still in flight
  std::size_t messageBytes = 100;         // body size
  int serverPid = 0;                      // sample the server's RSS (0: don't)
  bool json = false;
  bool verbose = false;

  // Accounts in use: min(users, connections) distinct ones.
  [[nodiscard]] std::uint32_t accountCount() const;
  // Account of connection i (round robin when connections > users).
  [[nodiscard]] std::string username(std::uint32_t connection) const;
};

// Parses argv (CLI11). A --help request or a usage error comes back as an
// error with code "usage.help" / "usage.error" and the text to print.
base::Result<Options> parseOptions(int argc, const char* const* argv);

}  // namespace keyfed::loadgen
