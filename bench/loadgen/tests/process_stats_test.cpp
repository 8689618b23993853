#include "process_stats.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>

namespace keyfed::loadgen {
namespace {

TEST(ProcessStats, ReadsVmRssFromAStatusText) {
  EXPECT_EQ(parseVmRss("Name:\tprosody\nVmPeak:\t  9000 kB\nVmRSS:\t   12345 kB\nThreads: 1\n"),
            12345U);
  EXPECT_FALSE(parseVmRss("Name:\tx\nVmPeak:\t 9000 kB\n").has_value());
  EXPECT_FALSE(parseVmRss("VmRSS:\t lots kB\n").has_value());
  EXPECT_FALSE(parseVmRss("VmRSS:\t 12 MB\n").has_value());
}

TEST(ProcessStats, SamplesALiveProcessAndNotAMissingOne) {
  auto own = residentKib(static_cast<int>(::getpid()));
  ASSERT_TRUE(own.has_value());
  EXPECT_GT(*own, 0U);
  EXPECT_FALSE(residentKib(0).has_value());
  EXPECT_FALSE(residentKib(-1).has_value());
}

TEST(ProcessStats, ReadsCpuTimeFromAStatLineWhoseNameHasSpaces) {
  const char* stat =
      "4242 (lua5.4 (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 1 0 100 "
      "1000000 500 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 0 0 0";
  EXPECT_EQ(parseStatCpu(stat, 100), std::chrono::milliseconds(3000));  // (250 + 50) / 100 s
  EXPECT_FALSE(parseStatCpu("4242 (short) S 1 2", 100).has_value());
  EXPECT_FALSE(parseStatCpu("no parenthesis", 100).has_value());
  EXPECT_FALSE(parseStatCpu(stat, 0).has_value());
}

TEST(ProcessStats, OwnCpuTimeAsSeenFromProcMatchesGetrusage) {
  volatile std::uint64_t spin = 0;
  for (std::uint64_t i = 0; i < 50'000'000; ++i) spin = spin + i;
  auto fromProc = processCpuTime(static_cast<int>(::getpid()));
  ASSERT_TRUE(fromProc.has_value());
  const auto own = ownCpuTime();
  EXPECT_GT(*fromProc, std::chrono::microseconds(0));
  // /proc counts in clock ticks (10 ms): allow a few.
  EXPECT_NEAR(static_cast<double>(fromProc->count()), static_cast<double>(own.count()), 50'000.0);
}

TEST(ProcessStats, FileLimitIsAtLeastWhatIsAlreadyAllowed) {
  EXPECT_GE(raiseFileLimit(16), 16U);
}

}  // namespace
}  // namespace keyfed::loadgen
