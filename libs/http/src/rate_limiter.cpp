#include "keyfed/http/rate_limiter.hpp"

#include <algorithm>
#include <iterator>

namespace keyfed::http {

RateLimiter::RateLimiter(std::size_t burst, Clock::duration interval, std::size_t maxKeys)
    : burst_(static_cast<double>(std::max<std::size_t>(burst, 1))),
      interval_(std::max<Clock::duration>(interval, std::chrono::milliseconds(1))),
      maxKeys_(std::max<std::size_t>(maxKeys, 1)) {}

void RateLimiter::refill(Bucket& bucket, Clock::time_point now) const {
  if (now <= bucket.last) return;
  const double gained =
      std::chrono::duration<double>(now - bucket.last) / std::chrono::duration<double>(interval_);
  bucket.tokens = std::min(burst_, bucket.tokens + gained);
  bucket.last = now;
}

void RateLimiter::forgetIdle(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

bool RateLimiter::allow(std::string_view key, Clock::time_point now) {
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= maxKeys_) forgetIdle(now);
    if (buckets_.size() >= maxKeys_) return false;
    it = buckets_.emplace(std::string(key), Bucket{burst_, now}).first;
  }
  refill(it->second, now);
  if (it->second.tokens < 1.0) return false;
  it->second.tokens -= 1.0;
  return true;
}

}  // namespace keyfed::http
