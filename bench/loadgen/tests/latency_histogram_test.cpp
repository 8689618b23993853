#include "latency_histogram.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace keyfed::loadgen {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;

TEST(LatencyHistogram, EveryValueLandsInABucketThatHoldsItWithinOnePointSixPercent) {
  const std::uint64_t values[] = {0,   1,    127,     128,       129,        255,
                                  256, 1000, 123'456, 5'000'000, 1ULL << 40, UINT64_MAX};
  for (std::uint64_t v : values) {
    const std::size_t b = LatencyHistogram::bucketOf(v);
    const std::uint64_t high = LatencyHistogram::bucketHigh(b);
    EXPECT_GE(high, v) << v;
    EXPECT_LE(static_cast<double>(high - v), static_cast<double>(v) / 64.0 + 1.0) << v;
    if (b > 0) {
      EXPECT_LT(LatencyHistogram::bucketHigh(b - 1), v) << v;
    }
  }
}

TEST(LatencyHistogram, PercentilesOfAUniformSpread) {
  LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i) h.record(microseconds(i));
  EXPECT_EQ(h.count(), 1000U);
  EXPECT_EQ(h.min(), microseconds(1));
  EXPECT_EQ(h.max(), microseconds(1000));
  EXPECT_NEAR(static_cast<double>(h.mean().count()), 500'500.0, 1.0);
  EXPECT_NEAR(static_cast<double>(h.percentile(50).count()), 500'000.0, 500'000.0 / 64);
  EXPECT_NEAR(static_cast<double>(h.percentile(99).count()), 990'000.0, 990'000.0 / 64);
  EXPECT_EQ(h.percentile(100), microseconds(1000));  // never above the maximum
}

TEST(LatencyHistogram, OneSlowOutlierShowsOnlyInTheTail) {
  LatencyHistogram h;
  for (int i = 0; i < 999; ++i) h.record(microseconds(100));
  h.record(std::chrono::milliseconds(250));
  EXPECT_LT(h.percentile(99), microseconds(102));
  EXPECT_EQ(h.percentile(99.95), std::chrono::milliseconds(250));
  EXPECT_EQ(h.max(), std::chrono::milliseconds(250));
}

TEST(LatencyHistogram, EmptyAndNegativeSamples) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile(99), nanoseconds(0));
  EXPECT_EQ(h.min(), nanoseconds(0));
  EXPECT_EQ(h.mean(), nanoseconds(0));
  h.record(nanoseconds(-5));  // clock oddities count as zero, not as a huge unsigned value
  EXPECT_EQ(h.max(), nanoseconds(0));
  h.reset();
  EXPECT_EQ(h.count(), 0U);
}

}  // namespace
}  // namespace keyfed::loadgen
