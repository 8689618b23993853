#pragma once
// The figures of one run, filled by LoadRun and printed by report.hpp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "latency_histogram.hpp"
#include "options.hpp"

namespace keyfed::loadgen {

struct ErrorSummary {
  std::string code;  // "loadgen.auth", "loadgen.closed", ...
  std::uint64_t count = 0;
  std::string example;  // the first message with this code
};

struct RunResult {
  Options options;

  // Priming: one login per account before the storm (not timed as logins).
  std::uint32_t primedAccounts = 0;
  double primeSeconds = 0;
  std::uint64_t pbkdf2Runs = 0;  // SaltedPassword computations on the client, whole run

  // The login storm.
  std::uint32_t connectionsRequested = 0;
  std::uint32_t connectionsEstablished = 0;
  std::uint32_t connectionsFailed = 0;  // during login or later
  double establishSeconds = 0;          // first connect to last session ready
  LatencyHistogram loginLatency;        // connect to ready, per connection

  // Messages.
  bool messaging = false;
  std::uint32_t senders = 0;
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;          // sent and never delivered by the end of the drain
  std::uint64_t stanzaErrors = 0;  // bounces and refused stanzas
  std::uint64_t unexpected = 0;    // bodies we did not send, or from the wrong sender
  std::uint64_t reordered = 0;     // a sender's message overtook an earlier one
  std::uint64_t earlierRun = 0;    // an earlier run's message (offline storage): ignored
  std::uint64_t notSent = 0;       // fixed rate: skipped, the sender's backlog was full
  double measuredSeconds = 0;
  std::uint64_t measuredSent = 0;
  std::uint64_t measuredDelivered = 0;
  LatencyHistogram latency;     // messages delivered inside the measured window
  double clientCpuPercent = 0;  // generator CPU time / wall time in the window

  // Server CPU time (with --server-pid), seconds: during the storm (first
  // connect to last ready) and during the measured window.
  std::optional<double> serverCpuLoginSeconds;
  std::optional<double> serverCpuMeasureSeconds;

  // Server memory (with --server-pid), KiB.
  std::optional<std::uint64_t> rssBeforeKib;
  std::optional<std::uint64_t> rssAfterLoginKib;
  std::optional<std::uint64_t> rssEndKib;

  std::vector<ErrorSummary> errors;
  bool interrupted = false;  // SIGINT/SIGTERM cut the run short

  [[nodiscard]] double loginsPerSecond() const {
    return establishSeconds > 0 ? connectionsEstablished / establishSeconds : 0;
  }
  [[nodiscard]] double deliveredPerSecond() const {
    return measuredSeconds > 0 ? static_cast<double>(measuredDelivered) / measuredSeconds : 0;
  }
  [[nodiscard]] double sentPerSecond() const {
    return measuredSeconds > 0 ? static_cast<double>(measuredSent) / measuredSeconds : 0;
  }
  [[nodiscard]] std::optional<double> rssPerConnectionKib() const {
    if (!rssBeforeKib || !rssAfterLoginKib || connectionsEstablished == 0) return std::nullopt;
    return (static_cast<double>(*rssAfterLoginKib) - static_cast<double>(*rssBeforeKib)) /
           connectionsEstablished;
  }
  [[nodiscard]] std::optional<double> serverCpuMicrosPerLogin() const {
    if (!serverCpuLoginSeconds || connectionsEstablished == 0) return std::nullopt;
    return *serverCpuLoginSeconds * 1e6 / connectionsEstablished;
  }
  [[nodiscard]] std::optional<double> serverCpuMicrosPerMessage() const {
    if (!serverCpuMeasureSeconds || measuredDelivered == 0) return std::nullopt;
    return *serverCpuMeasureSeconds * 1e6 / static_cast<double>(measuredDelivered);
  }
  [[nodiscard]] std::optional<double> serverCpuPercent() const {
    if (!serverCpuMeasureSeconds || measuredSeconds <= 0) return std::nullopt;
    return 100.0 * *serverCpuMeasureSeconds / measuredSeconds;
  }
  // Exit status 0: every connection came up and stayed, every message arrived,
  // in order (RFC 6120 10.1).
  [[nodiscard]] bool ok() const {
    return connectionsFailed == 0 && lost == 0 && stanzaErrors == 0 && unexpected == 0 &&
           reordered == 0 && !interrupted && connectionsEstablished == connectionsRequested;
  }
};

}  // namespace keyfed::loadgen
