#include "keyfed/server/auth_throttle.hpp"

#include <gtest/gtest.h>

namespace keyfed::server {
namespace {

using namespace std::chrono_literals;

TEST(AuthThrottle, BlocksAnAddressAfterTooManyFailuresInTheWindow) {
  AuthThrottle throttle(3, 60s);
  const AuthThrottle::Time t0{};
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(throttle.blocked("192.0.2.1", t0));
    throttle.recordFailure("192.0.2.1", t0 + std::chrono::seconds(i));
  }
  EXPECT_TRUE(throttle.blocked("192.0.2.1", t0 + 5s));
  EXPECT_FALSE(throttle.blocked("192.0.2.2", t0 + 5s)) << "other addresses are not affected";
}

TEST(AuthThrottle, FailuresAgeOutOfTheWindow) {
  AuthThrottle throttle(2, 60s);
  const AuthThrottle::Time t0{};
  throttle.recordFailure("a", t0);
  throttle.recordFailure("a", t0 + 10s);
  EXPECT_TRUE(throttle.blocked("a", t0 + 59s));
  EXPECT_FALSE(throttle.blocked("a", t0 + 61s)) << "the first failure has aged out";
  EXPECT_FALSE(throttle.blocked("a", t0 + 71s));
  EXPECT_EQ(throttle.trackedAddresses(), 0U) << "idle addresses are forgotten";
}

TEST(AuthThrottle, MemoryStaysBoundedUnderAnAddressFlood) {
  AuthThrottle throttle(5, 60s);
  const AuthThrottle::Time t0{};
  for (std::size_t i = 0; i < AuthThrottle::kMaxAddresses + 100; ++i) {
    throttle.recordFailure("addr" + std::to_string(i), t0);
  }
  EXPECT_LE(throttle.trackedAddresses(), AuthThrottle::kMaxAddresses);
}

}  // namespace
}  // namespace keyfed::server
