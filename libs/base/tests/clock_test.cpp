#include "keyfed/base/clock.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace keyfed::base {
namespace {

using namespace std::chrono_literals;

TEST(FakeClock, StandsStillUntilAdvanced) {
  FakeClock clock;
  auto wall = clock.now();
  auto steady = clock.steadyNow();
  EXPECT_EQ(clock.now(), wall);
  clock.advance(90s);
  EXPECT_EQ(clock.now() - wall, 90s);
  EXPECT_EQ(clock.steadyNow() - steady, 90s);
}

TEST(FakeClock, WallStepDoesNotMoveSteadyTime) {
  FakeClock clock;
  auto steady = clock.steadyNow();
  clock.setWall(fromUnixSeconds(0));
  EXPECT_EQ(unixSeconds(clock.now()), 0);
  EXPECT_EQ(clock.steadyNow(), steady);
}

TEST(FakeClock, UsableFromAnotherThread) {
  FakeClock clock(fromUnixSeconds(100));
  std::thread t([&] { clock.advance(5s); });
  t.join();
  EXPECT_EQ(unixSeconds(clock.now()), 105);
}

TEST(SystemClock, MovesForward) {
  auto& clock = SystemClock::instance();
  auto a = clock.steadyNow();
  auto b = clock.steadyNow();
  EXPECT_LE(a, b);
  EXPECT_GT(unixSeconds(clock.now()), 1'700'000'000);
}

}  // namespace
}  // namespace keyfed::base
