#pragma once
// Latencies in log-linear buckets, like HdrHistogram: 64 sub-buckets per power
// of two keep every recorded value within 1.6 % of the truth, in a fixed 30 KB
// whatever the number of samples, so a run at 100,000 messages/s never grows a
// sample vector.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace keyfed::loadgen {

class LatencyHistogram {
 public:
  void record(std::chrono::nanoseconds latency);
  void reset() { *this = LatencyHistogram{}; }

  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] std::chrono::nanoseconds min() const;
  [[nodiscard]] std::chrono::nanoseconds max() const { return std::chrono::nanoseconds(max_); }
  [[nodiscard]] std::chrono::nanoseconds mean() const;
  // The smallest recorded value v such that at least `percentile` % of the
  // samples are <= v, reported as the top of its bucket (never above max()).
  // 0 when empty.
  [[nodiscard]] std::chrono::nanoseconds percentile(double percentile) const;

  // Bucket arithmetic, exposed for tests.
  static std::size_t bucketOf(std::uint64_t value);
  static std::uint64_t bucketHigh(std::size_t bucket);  // largest value in the bucket

 private:
  static constexpr unsigned kSubBucketBits = 6;  // 64 sub-buckets per power of two
  static constexpr std::size_t kLinear = std::size_t{2} << kSubBucketBits;  // 0..127 exact
  static constexpr std::size_t kBuckets =
      kLinear + (64 - kSubBucketBits - 1) * (std::size_t{1} << kSubBucketBits);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace keyfed::loadgen
