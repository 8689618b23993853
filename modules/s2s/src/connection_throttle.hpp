#pragma once
// New incoming connections per address within a minute. A peer (or anyone)
// reconnecting in a loop is refused before it costs a TLS handshake. The table
// is bounded: when full, the oldest-idle addresses are forgotten first.

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

namespace keyfed::modules::s2s {

class ConnectionThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMaxAddresses = 10000;

  // `perMinute` 0: unlimited.
  explicit ConnectionThrottle(std::uint32_t perMinute) : perMinute_(perMinute) {}
  void setLimit(std::uint32_t perMinute) { perMinute_ = perMinute; }

  // Records an attempt; false when the address is over its limit.
  bool allow(const std::string& address, Clock::time_point now);

 private:
  void prune(Clock::time_point now);

  std::uint32_t perMinute_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> attempts_;
};

}  // namespace keyfed::modules::s2s
