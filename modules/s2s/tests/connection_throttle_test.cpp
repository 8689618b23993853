#include "connection_throttle.hpp"

#include <gtest/gtest.h>

namespace keyfed::modules::s2s {
namespace {

using namespace std::chrono_literals;

TEST(ConnectionThrottle, RefusesAboveTheLimitWithinAMinute) {
  ConnectionThrottle throttle(2);
  const ConnectionThrottle::Clock::time_point t0{};
  EXPECT_TRUE(throttle.allow("192.0.2.1", t0));
  EXPECT_TRUE(throttle.allow("192.0.2.1", t0 + 1s));
  EXPECT_FALSE(throttle.allow("192.0.2.1", t0 + 2s));
  EXPECT_TRUE(throttle.allow("192.0.2.2", t0 + 2s));   // per address
  EXPECT_TRUE(throttle.allow("192.0.2.1", t0 + 61s));  // the window moved on
}

TEST(ConnectionThrottle, ZeroMeansUnlimited) {
  ConnectionThrottle throttle(0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(throttle.allow("192.0.2.1", {}));
}

TEST(ConnectionThrottle, StaysBoundedUnderManyAddresses) {
  ConnectionThrottle throttle(1);
  const ConnectionThrottle::Clock::time_point t0{};
  for (std::size_t i = 0; i < ConnectionThrottle::kMaxAddresses * 3; ++i) {
    EXPECT_TRUE(throttle.allow("addr-" + std::to_string(i), t0));
  }
}

}  // namespace
}  // namespace keyfed::modules::s2s
