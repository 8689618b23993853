#pragma once
// A token bucket per key (a client's IP address): `burst` requests at once,
// then one every `interval`. Time is an argument, so tests need no sleeping.
//
// Memory is bounded: at most `maxKeys` buckets. When full, buckets that have
// refilled (their owners are idle) are forgotten; if none has, a new key is
// refused (fail closed) until one does.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace keyfed::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(std::size_t burst, Clock::duration interval, std::size_t maxKeys = 10000);

  // Takes a token for `key`; false when its bucket is empty.
  bool allow(std::string_view key, Clock::time_point now);
  [[nodiscard]] std::size_t keys() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
  };
  void refill(Bucket& bucket, Clock::time_point now) const;
  void forgetIdle(Clock::time_point now);

  double burst_;
  Clock::duration interval_;
  std::size_t maxKeys_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace keyfed::http
