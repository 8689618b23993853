#include "keyfed/net/event_loop.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace keyfed::net {
namespace {

using namespace std::chrono_literals;

TEST(EventLoop, RunsPostedWorkInOrder) {
  EventLoop loop;
  std::string order;
  loop.post([&] { order += "a"; });
  loop.post([&] { order += "b"; });
  loop.poll();
  EXPECT_EQ(order, "ab");
}

TEST(Timer, FiresOnceAndCanBeCancelledOrRestarted) {
  EventLoop loop;
  Timer fired(loop);
  Timer cancelled(loop);
  Timer restarted(loop);
  int firedCount = 0;
  int cancelledCount = 0;
  int restartedValue = 0;
  fired.start(1ms, [&] { ++firedCount; });
  cancelled.start(1ms, [&] { ++cancelledCount; });
  cancelled.cancel();
  restarted.start(1ms, [&] { restartedValue = 1; });
  restarted.start(2ms, [&] { restartedValue = 2; });
  Timer stopper(loop);
  stopper.start(30ms, [&] { loop.stop(); });
  loop.run();
  EXPECT_EQ(firedCount, 1);
  EXPECT_EQ(cancelledCount, 0);
  EXPECT_EQ(restartedValue, 2);
  EXPECT_FALSE(fired.armed());
}

TEST(Timer, DestroyedTimerNeverFires) {
  EventLoop loop;
  bool ran = false;
  {
    Timer t(loop);
    t.start(1ms, [&] { ran = true; });
  }
  Timer stopper(loop);
  stopper.start(10ms, [&] { loop.stop(); });
  loop.run();
  EXPECT_FALSE(ran);
}

// Under the sanitizer build, LeakSanitizer also checks that the loop frees its
// signal handlers (a graceful SIGTERM exit must not report leaks).
TEST(EventLoop, SignalsAreHandledOnTheLoopRepeatedly) {
  std::vector<int> seen;
  {
    EventLoop loop;
    const std::vector<int> toRaise = {SIGUSR1, SIGUSR2, SIGUSR1};
    // Each signal is raised once the previous one was handled.
    loop.handleSignals({SIGUSR1, SIGUSR2}, [&](int signo) {
      seen.push_back(signo);
      if (seen.size() == toRaise.size()) {
        loop.stop();
      } else {
        loop.post([&] { std::raise(toRaise[seen.size()]); });
      }
    });
    loop.post([&] { std::raise(toRaise[0]); });
    Timer guard(loop);
    guard.start(5s, [&] { loop.stop(); });
    loop.run();
  }
  EXPECT_EQ(seen, (std::vector<int>{SIGUSR1, SIGUSR2, SIGUSR1}));
}

}  // namespace
}  // namespace keyfed::net
