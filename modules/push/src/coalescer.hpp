#pragma once
// Coalescing for one registration (docs/push.md, "Coalescing"): the first
// message after a quiet interval is announced at once; the ones that follow
// within `minInterval` of the last notification are counted and announced
// together, in one notification, when the interval is over. A burst of 100
// messages makes two notifications, the second with message-count 99.
//
// Pure: time is an argument; the module owns the timer that calls take()
// when nextAllowed() comes.

#include <chrono>
#include <optional>

#include "keyfed/base/clock.hpp"
#include "notification.hpp"
#include "wake_worthy.hpp"

namespace keyfed::modules::push {

class Coalescer {
 public:
  explicit Coalescer(std::chrono::steady_clock::duration minInterval) : interval_(minInterval) {}

  enum class Verdict { sendNow, held };
  // One more message for the registration. sendNow: take() and send it.
  Verdict add(base::SteadyTime now, WakeFacts facts);
  // The summary of the messages counted so far, which it forgets; `now` is
  // when that notification goes.
  Summary take(base::SteadyTime now);
  [[nodiscard]] bool holding() const { return pending_.messageCount > 0; }
  // The earliest time the next notification may go.
  [[nodiscard]] base::SteadyTime nextAllowed() const;

 private:
  std::chrono::steady_clock::duration interval_;
  std::optional<base::SteadyTime> lastSent_;
  Summary pending_;
};

}  // namespace keyfed::modules::push
