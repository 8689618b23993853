#include "connection_throttle.hpp"

namespace keyfed::modules::s2s {
namespace {
constexpr auto kWindow = std::chrono::minutes(1);
}

bool ConnectionThrottle::allow(const std::string& address, Clock::time_point now) {
  if (perMinute_ == 0) return true;
  if (attempts_.size() >= kMaxAddresses && attempts_.find(address) == attempts_.end()) {
    prune(now);
  }
  auto& times = attempts_[address];
  while (!times.empty() && now - times.front() >= kWindow) times.pop_front();
  if (times.size() >= perMinute_) return false;
  times.push_back(now);
  return true;
}

void ConnectionThrottle::prune(Clock::time_point now) {
  for (auto it = attempts_.begin(); it != attempts_.end();) {
    if (it->second.empty() || now - it->second.back() >= kWindow) {
      it = attempts_.erase(it);
    } else {
      ++it;
    }
  }
  // Still full: everyone is busy; forget an arbitrary half rather than grow.
  if (attempts_.size() >= kMaxAddresses) {
    std::size_t drop = attempts_.size() / 2;
    for (auto it = attempts_.begin(); it != attempts_.end() && drop > 0; --drop) {
      it = attempts_.erase(it);
    }
  }
}

}  // namespace keyfed::modules::s2s
