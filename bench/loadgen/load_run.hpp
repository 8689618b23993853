#pragma once
// One run of the load generator on one event loop, in phases:
//   prime    log each account in once (fills the ScramCache; not timed)
//   login    the storm: all connections, --connect-concurrency at a time
//   warmup   pairs exchange messages, not measured
//   measure  pairs exchange messages: throughput and latency
//   drain    no new messages; wait for those in flight
//   close    </stream:stream> everywhere, then the loop stops
//
// Connection i sends to its partner i^1 (the last one of an odd count to
// itself), so every connection is both a sender and a receiver. In window
// mode (rate 0) a sender keeps --inflight messages unanswered and sends the
// next one when the partner receives one; at a fixed rate the messages are
// scheduled on a clock and stamped with their scheduled time, so a stalled
// server shows up as latency instead of as a lower offered rate.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client_session.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/net/event_loop.hpp"
#include "options.hpp"
#include "run_result.hpp"
#include "scram_cache.hpp"

namespace keyfed::loadgen {

class LoadRun final : private SessionObserver {
 public:
  LoadRun(net::EventLoop& loop, Options options, Connector connector,
          std::shared_ptr<net::TlsClientContext> tls);
  ~LoadRun() override;
  LoadRun(const LoadRun&) = delete;
  LoadRun& operator=(const LoadRun&) = delete;

  // Runs every phase on the loop (EventLoop::run) and returns the figures.
  RunResult run();
  // Cuts the run short (signal handler): straight to closing.
  void interrupt();

 private:
  using Clock = std::chrono::steady_clock;
  enum class Phase { prime, login, messages, drain, closing, done };

  // Per connection: its partner and message counters.
  struct Peer {
    std::uint32_t partner = 0;
    bool sender = false;            // ready, and so is its partner
    std::uint64_t nextSeq = 0;      // as sender
    std::uint64_t outstanding = 0;  // sent, not yet received by the partner
    std::uint64_t expectedSeq = 0;  // as receiver: next seq from the partner
    Clock::time_point started{};
    bool settled = false;  // ready or failed during login
  };

  // SessionObserver
  void onAuthenticated(ClientSession& session) override;
  void onReady(ClientSession& session) override;
  void onChat(ClientSession& session, std::string_view from, std::string_view body) override;
  void onStanzaError(ClientSession& session, const xml::Element& stanza) override;
  void onFailed(ClientSession& session) override;
  void onClosed(ClientSession& session) override;

  std::unique_ptr<ClientSession> makeSession(std::uint32_t index, bool stopAfterAuth);
  void startPrime();
  void startLogin();
  void startMoreLogins();
  void loginSettled();
  void startMessages();
  void sendOne(std::uint32_t sender, std::int64_t stampNs);
  void refill(std::uint32_t sender);
  void rateTick();
  void beginMeasure();
  void endMeasure();
  void closeMeasureWindow();
  void maybeDrained();
  void startClosing();
  void maybeDone();
  void recordError(const std::string& code, const std::string& message);
  [[nodiscard]] std::int64_t nowNs() const;
  // Server CPU seconds since `start` (nullopt without --server-pid).
  [[nodiscard]] std::optional<double> cpuSecondsSince(
      const std::optional<std::chrono::microseconds>& start) const;

  net::EventLoop& loop_;
  Options options_;
  Connector connector_;
  std::shared_ptr<net::TlsClientContext> tls_;
  base::Logger log_{"loadgen"};
  ScramCache cache_;
  RunResult result_;
  Phase phase_ = Phase::prime;

  std::vector<std::unique_ptr<ClientSession>> primers_;
  std::uint32_t primeNext_ = 0;
  std::uint32_t primeClosed_ = 0;
  Clock::time_point primeStart_{};

  std::vector<std::unique_ptr<ClientSession>> sessions_;
  std::vector<Peer> peers_;
  std::uint32_t loginNext_ = 0;
  std::uint32_t loginsInProgress_ = 0;
  std::uint32_t loginsSettled_ = 0;
  std::uint32_t closedCount_ = 0;
  Clock::time_point loginStart_{};
  Clock::time_point lastReady_{};

  std::vector<std::uint32_t> senders_;
  bool sending_ = false;
  bool measuring_ = false;
  std::uint64_t outstanding_ = 0;  // over all senders
  std::uint32_t runId_ = 0;        // tells our messages from an earlier run's
  std::string body_;               // reused message body
  std::string id_;                 // reused message id
  Clock::time_point rateStart_{};
  std::uint64_t rateScheduled_ = 0;  // fixed rate: messages scheduled so far
  std::uint64_t maxBacklog_ = 0;     // fixed rate: unanswered messages per sender
  Clock::time_point measureStart_{};
  std::chrono::microseconds cpuAtMeasureStart_{};
  std::optional<std::chrono::microseconds> serverCpuAtLoginStart_;
  std::optional<std::chrono::microseconds> serverCpuAtMeasureStart_;
  net::Timer rateTimer_;
  net::Timer phaseTimer_;
  net::Timer closeTimer_;

  std::map<std::string, ErrorSummary> errors_;
};

}  // namespace keyfed::loadgen
