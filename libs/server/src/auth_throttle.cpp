#include "keyfed/server/auth_throttle.hpp"

namespace keyfed::server {

void AuthThrottle::prune(std::deque<Time>& times, Time now) const {
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
}

bool AuthThrottle::blocked(const std::string& address, Time now) {
  auto it = failures_.find(address);
  if (it == failures_.end()) return false;
  prune(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return false;
  }
  return it->second.size() >= maxFailures_;
}

void AuthThrottle::recordFailure(const std::string& address, Time now) {
  if (failures_.size() >= kMaxAddresses && !failures_.contains(address)) {
    // Full: sweep expired entries at most once per window, and under an
    // address flood forget an arbitrary entry rather than grow (or scan per call).
    if (now - lastSweep_ >= window_) {
      lastSweep_ = now;
      evictExpired(now);
    }
    if (failures_.size() >= kMaxAddresses) failures_.erase(failures_.begin());
  }
  auto& times = failures_[address];
  prune(times, now);
  times.push_back(now);
  // Only the newest maxFailures entries matter for blocked().
  while (times.size() > maxFailures_ && !times.empty()) times.pop_front();
}

void AuthThrottle::evictExpired(Time now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    prune(it->second, now);
    it = it->second.empty() ? failures_.erase(it) : std::next(it);
  }
}

}  // namespace keyfed::server
