// The per-address sliding window on account creation.
#include "../src/creation_limiter.hpp"

#include <gtest/gtest.h>

namespace keyfed::modules::registration {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr base::SteadyTime t0{std::chrono::hours{1}};

TEST(CreationLimiter, AllowsUpToTheLimitPerWindowAndAddress) {
  CreationLimiter limiter(2, minutes(10));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(limiter.allows("192.0.2.1", t0));
    limiter.record("192.0.2.1", t0);
  }
  EXPECT_FALSE(limiter.allows("192.0.2.1", t0 + minutes(9)));
  EXPECT_TRUE(limiter.allows("192.0.2.2", t0));
  // The window slides: the first two creations expire ten minutes later.
  EXPECT_TRUE(limiter.allows("192.0.2.1", t0 + minutes(10)));
}

TEST(CreationLimiter, WindowSlidesPerCreation) {
  CreationLimiter limiter(2, minutes(10));
  limiter.record("a", t0);
  limiter.record("a", t0 + minutes(5));
  EXPECT_FALSE(limiter.allows("a", t0 + minutes(9)));
  EXPECT_TRUE(limiter.allows("a", t0 + minutes(10)));
  limiter.record("a", t0 + minutes(10));
  EXPECT_FALSE(limiter.allows("a", t0 + minutes(14)));
  EXPECT_TRUE(limiter.allows("a", t0 + minutes(15)));
}

TEST(CreationLimiter, TrackedAddressesAreBoundedAndExpire) {
  CreationLimiter limiter(5, seconds(60), /*maxAddresses=*/3);
  for (const char* a : {"a", "b", "c"}) limiter.record(a, t0);
  EXPECT_FALSE(limiter.allows("d", t0 + seconds(1)));  // full: refused, not grown
  EXPECT_TRUE(limiter.allows("a", t0 + seconds(1)));   // known addresses carry on
  EXPECT_TRUE(limiter.allows("d", t0 + seconds(60)));  // old entries expired
  EXPECT_EQ(limiter.trackedAddresses(), 0U);
}

TEST(CreationLimiter, ZeroMeansNever) {
  CreationLimiter limiter(0, seconds(60));
  EXPECT_FALSE(limiter.allows("a", t0));
}

}  // namespace
}  // namespace keyfed::modules::registration
