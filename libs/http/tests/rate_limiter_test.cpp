#include "keyfed/http/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace keyfed::http {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsABurstThenOnePerInterval) {
  RateLimiter limiter(3, 1s);
  const auto t0 = RateLimiter::Clock::time_point{} + 100s;
  EXPECT_TRUE(limiter.allow("a", t0));
  EXPECT_TRUE(limiter.allow("a", t0));
  EXPECT_TRUE(limiter.allow("a", t0));
  EXPECT_FALSE(limiter.allow("a", t0));
  EXPECT_TRUE(limiter.allow("b", t0));  // per key
  EXPECT_FALSE(limiter.allow("a", t0 + 500ms));
  EXPECT_TRUE(limiter.allow("a", t0 + 1s));
  EXPECT_FALSE(limiter.allow("a", t0 + 1s));
}

TEST(RateLimiter, BoundsItsMemoryAndForgetsIdleKeys) {
  RateLimiter limiter(1, 1s, 2);
  const auto t0 = RateLimiter::Clock::time_point{} + 100s;
  EXPECT_TRUE(limiter.allow("a", t0));
  EXPECT_TRUE(limiter.allow("b", t0));
  EXPECT_FALSE(limiter.allow("c", t0));  // full, nobody idle: fail closed
  EXPECT_EQ(limiter.keys(), 2U);
  EXPECT_TRUE(limiter.allow("c", t0 + 2s));  // a and b refilled and are forgotten
  EXPECT_LE(limiter.keys(), 2U);
}

}  // namespace
}  // namespace keyfed::http
