#pragma once
// Time is an input. Code that needs "now" takes a Clock&, so tests drive time
// with FakeClock instead of sleeping.

#include <chrono>
#include <cstdint>
#include <mutex>

namespace keyfed::base {

using SystemTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time: dates in audit records, KeyNote Date/GMTTimeOfDay, expiry stamps.
  virtual SystemTime now() const = 0;
  // Monotonic time: timeouts and rate limits, never affected by clock steps.
  virtual SteadyTime steadyNow() const = 0;
};

class SystemClock final : public Clock {
 public:
  SystemTime now() const override { return std::chrono::system_clock::now(); }
  SteadyTime steadyNow() const override { return std::chrono::steady_clock::now(); }
  // A process-wide instance for composition roots.
  static SystemClock& instance();
};

// A clock that only moves when told to. Thread-safe so a test thread can move
// time while a server thread reads it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(SystemTime start = SystemTime{std::chrono::seconds{1'700'000'000}})
      : wall_(start), steady_(SteadyTime{std::chrono::hours{1}}) {}

  SystemTime now() const override {
    std::lock_guard lock(mutex_);
    return wall_;
  }
  SteadyTime steadyNow() const override {
    std::lock_guard lock(mutex_);
    return steady_;
  }
  // Moves both clocks forward by d.
  void advance(std::chrono::nanoseconds d) {
    std::lock_guard lock(mutex_);
    wall_ += std::chrono::duration_cast<SystemTime::duration>(d);
    steady_ += d;
  }
  // Steps the wall clock only (as NTP might); the steady clock is untouched.
  void setWall(SystemTime t) {
    std::lock_guard lock(mutex_);
    wall_ = t;
  }

 private:
  mutable std::mutex mutex_;
  SystemTime wall_;
  SteadyTime steady_;
};

// Seconds since the Unix epoch, the unit stored in the database.
constexpr std::int64_t unixSeconds(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
constexpr SystemTime fromUnixSeconds(std::int64_t s) {
  return SystemTime{std::chrono::seconds{s}};
}

}  // namespace keyfed::base
