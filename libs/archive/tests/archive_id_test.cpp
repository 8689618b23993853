// Archive ids: round trip, time order as string order, refusal of anything else.
#include <gtest/gtest.h>

#include "keyfed/archive/archive_id.hpp"
#include "keyfed/storage/archive_types.hpp"

namespace keyfed::archive {
namespace {

using namespace std::chrono_literals;
constexpr base::SystemTime kT0{std::chrono::seconds{1'700'000'000}};

TEST(ArchiveIdTest, RoundTripsAndHasTheDocumentedShape) {
  const ArchiveId id{storage::archiveSeqAt(kT0) + 7, 0xDEADBEEF};
  const auto text = formatArchiveId(id);
  EXPECT_EQ(text.size(), kArchiveIdLength);
  EXPECT_EQ(text.find_first_not_of("0123456789abcdefghijklmnopqrstuv"), std::string::npos);
  EXPECT_EQ(parseArchiveId(text), id);
}

TEST(ArchiveIdTest, LaterIdsSortAfterEarlierOnesAsStrings) {
  ArchiveIdGenerator ids;
  std::string previous;
  for (auto t : {kT0, kT0, kT0 + 1ms, kT0 + 1s, kT0 + 24h}) {
    const auto text = formatArchiveId(ids.next(t));
    EXPECT_LT(previous, text);
    previous = text;
  }
}

TEST(ArchiveIdTest, SequenceNeverGoesBackEvenWhenTheClockDoes) {
  ArchiveIdGenerator ids;
  const auto a = ids.next(kT0 + 10s);
  const auto b = ids.next(kT0);  // the wall clock stepped back
  EXPECT_GT(b.seq, a.seq);
  ids.startAfter(b.seq + 1000);
  EXPECT_GT(ids.next(kT0).seq, b.seq + 1000);
}

TEST(ArchiveIdTest, TagsDifferBetweenIds) {
  ArchiveIdGenerator ids;
  const auto a = ids.next(kT0);
  const auto b = ids.next(kT0);
  const auto c = ids.next(kT0);
  EXPECT_FALSE(a.tag == b.tag && b.tag == c.tag);
}

TEST(ArchiveIdTest, RefusesWhatItCannotHaveWritten) {
  const auto good = formatArchiveId(ArchiveId{storage::archiveSeqAt(kT0), 42});
  EXPECT_FALSE(parseArchiveId(""));
  EXPECT_FALSE(parseArchiveId(good.substr(1)));
  EXPECT_FALSE(parseArchiveId(good + "0"));
  std::string upper = good;
  upper[5] = 'A';
  EXPECT_FALSE(parseArchiveId(upper));
  std::string wide = good;
  wide[0] = 'v';  // would not fit 63 bits
  EXPECT_FALSE(parseArchiveId(wide));
  std::string bigTag = good;
  bigTag[13] = 'v';  // tag above 32 bits
  EXPECT_FALSE(parseArchiveId(bigTag));
  EXPECT_FALSE(parseArchiveId(std::string(kArchiveIdLength, '0')));  // seq 0
}

}  // namespace
}  // namespace keyfed::archive
