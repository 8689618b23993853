#pragma once
// Failed authentications per remote address in a sliding window (c2s SASL,
// XEP-0114 component handshakes). Once an address has `maxFailures` failures
// inside `window`, further attempts from it fail at once until old failures
// age out, so a password guesser gets a handful of tries per window whatever
// it does.
// Memory is bounded: at most kMaxAddresses addresses are remembered.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace keyfed::server {

class AuthThrottle {
 public:
  using Time = std::chrono::steady_clock::time_point;
  static constexpr std::size_t kMaxAddresses = 100'000;

  AuthThrottle(std::uint32_t maxFailures, std::chrono::seconds window)
      : maxFailures_(maxFailures), window_(window) {}

  [[nodiscard]] bool blocked(const std::string& address, Time now);
  void recordFailure(const std::string& address, Time now);
  [[nodiscard]] std::size_t trackedAddresses() const { return failures_.size(); }

 private:
  void prune(std::deque<Time>& times, Time now) const;
  void evictExpired(Time now);

  std::uint32_t maxFailures_;
  std::chrono::seconds window_;
  std::unordered_map<std::string, std::deque<Time>> failures_;
  Time lastSweep_{};
};

}  // namespace keyfed::server
