#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace keyfed::loadgen {

// Values below kLinear have a bucket each. Above, a value with its highest bit
// at position e (e >= 7) falls in group e - 7, sub-bucket given by the 6 bits
// after the highest one.
std::size_t LatencyHistogram::bucketOf(std::uint64_t value) {
  if (value < kLinear) return static_cast<std::size_t>(value);
  const unsigned e = 63U - static_cast<unsigned>(std::countl_zero(value));
  const unsigned shift = e - kSubBucketBits;
  const std::uint64_t sub = (value >> shift) - (std::uint64_t{1} << kSubBucketBits);
  return kLinear + (e - kSubBucketBits - 1) * (std::size_t{1} << kSubBucketBits) +
         static_cast<std::size_t>(sub);
}

std::uint64_t LatencyHistogram::bucketHigh(std::size_t bucket) {
  if (bucket < kLinear) return bucket;
  const std::size_t rel = bucket - kLinear;
  const unsigned e = static_cast<unsigned>(rel >> kSubBucketBits) + kSubBucketBits + 1;
  const std::uint64_t sub = rel & ((std::size_t{1} << kSubBucketBits) - 1);
  const unsigned shift = e - kSubBucketBits;
  const std::uint64_t low = ((std::uint64_t{1} << kSubBucketBits) + sub) << shift;
  return low + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::chrono::nanoseconds latency) {
  const std::uint64_t v = latency.count() < 0 ? 0 : static_cast<std::uint64_t>(latency.count());
  ++buckets_[bucketOf(v)];
  ++count_;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  sum_ += static_cast<long double>(v);
}

std::chrono::nanoseconds LatencyHistogram::min() const {
  return std::chrono::nanoseconds(count_ == 0 ? 0 : min_);
}

std::chrono::nanoseconds LatencyHistogram::mean() const {
  if (count_ == 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(
      static_cast<std::int64_t>(std::llround(sum_ / static_cast<long double>(count_))));
}

std::chrono::nanoseconds LatencyHistogram::percentile(double percentile) const {
  if (count_ == 0) return std::chrono::nanoseconds(0);
  const double p = std::clamp(percentile, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += buckets_[b];
    if (seen >= rank) return std::chrono::nanoseconds(std::min(bucketHigh(b), max_));
  }
  return std::chrono::nanoseconds(max_);
}

}  // namespace keyfed::loadgen
