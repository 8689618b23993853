// XEP-0313 archive storage: batches, paging in both directions, filters,
// counts, unknown ids, retention and preferences.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::StorageTest;
using namespace std::chrono_literals;

constexpr base::SystemTime kT0 = base::fromUnixSeconds(1'700'000'000);

class ArchiveTest : public StorageTest {
 protected:
  ArchiveStore& archive() { return storage_->archive(); }

  // Item i of juliet's archive: one second apart, alternately with romeo and nurse.
  ArchiveRecord record(int i, std::string user = "juliet") {
    ArchiveRecord r;
    r.user = std::move(user);
    r.host = "example.org";
    r.stamp = kT0 + std::chrono::seconds{i};
    r.seq = archiveSeqAt(r.stamp);
    r.tag = 1000U + static_cast<std::uint32_t>(i);
    r.withBare = i % 2 == 0 ? "romeo@example.org" : "nurse@example.net";
    r.withResource = "r" + std::to_string(i % 3);
    r.stanza = "<message><body>" + std::to_string(i) + "</body></message>";
    return r;
  }

  void fill(int n) {
    std::vector<ArchiveRecord> batch;
    batch.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) batch.push_back(record(i));
    auto stored = archive().append(batch);
    ASSERT_TRUE(stored.has_value()) << stored.error().describe();
    ASSERT_EQ(*stored, static_cast<std::size_t>(n));
  }

  ArchiveQuery query(std::size_t max) {
    ArchiveQuery q;
    q.user = "juliet";
    q.host = "example.org";
    q.max = max;
    return q;
  }

  static std::vector<std::int64_t> seqs(const ArchivePage& page) {
    std::vector<std::int64_t> out;
    for (const auto& item : page.items) out.push_back(item.seq);
    return out;
  }
  std::vector<std::int64_t> expected(std::initializer_list<int> indexes) {
    std::vector<std::int64_t> out;
    for (int i : indexes) out.push_back(record(i).seq);
    return out;
  }

  ArchivePage page(const ArchiveQuery& q) {
    auto r = archive().query(q);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().describe());
    return r ? *r : ArchivePage{};
  }
};

TEST_F(ArchiveTest, ForwardPagingWalksTheWholeArchiveInOrder) {
  fill(10);
  auto q = query(4);
  auto first = page(q);
  EXPECT_EQ(seqs(first), expected({0, 1, 2, 3}));
  EXPECT_FALSE(first.complete);
  EXPECT_EQ(first.count, 10U);
  EXPECT_EQ(first.firstIndex, 0U);
  EXPECT_EQ(first.items[2].stanza, "<message><body>2</body></message>");
  EXPECT_EQ(first.items[2].stamp, kT0 + 2s);
  EXPECT_EQ(first.items[2].tag, 1002U);

  q.afterSeq = first.items.back().seq;
  auto second = page(q);
  EXPECT_EQ(seqs(second), expected({4, 5, 6, 7}));
  EXPECT_EQ(second.firstIndex, 4U);
  EXPECT_FALSE(second.complete);

  q.afterSeq = second.items.back().seq;
  auto last = page(q);
  EXPECT_EQ(seqs(last), expected({8, 9}));
  EXPECT_TRUE(last.complete);
  EXPECT_EQ(last.count, 10U);
}

TEST_F(ArchiveTest, AFullLastPageIsCompleteOnlyWhenNothingFollows) {
  fill(8);
  auto q = query(4);
  q.afterSeq = record(3).seq;
  auto last = page(q);
  EXPECT_EQ(seqs(last), expected({4, 5, 6, 7}));
  EXPECT_TRUE(last.complete);
}

TEST_F(ArchiveTest, BackwardPagingStartsAtTheEnd) {
  fill(10);
  auto q = query(4);
  q.fromEnd = true;
  auto last = page(q);
  EXPECT_EQ(seqs(last), expected({6, 7, 8, 9}));  // still in time order
  EXPECT_FALSE(last.complete);
  EXPECT_EQ(last.firstIndex, 6U);

  q.beforeSeq = last.items.front().seq;
  auto middle = page(q);
  EXPECT_EQ(seqs(middle), expected({2, 3, 4, 5}));
  EXPECT_FALSE(middle.complete);

  q.beforeSeq = middle.items.front().seq;
  auto first = page(q);
  EXPECT_EQ(seqs(first), expected({0, 1}));
  EXPECT_TRUE(first.complete);
  EXPECT_EQ(first.firstIndex, 0U);
}

TEST_F(ArchiveTest, WithFiltersByBareJidAndByFullJid) {
  fill(10);
  auto q = query(100);
  q.withBare = "romeo@example.org";
  auto romeo = page(q);
  EXPECT_EQ(seqs(romeo), expected({0, 2, 4, 6, 8}));
  EXPECT_EQ(romeo.count, 5U);
  EXPECT_TRUE(romeo.complete);

  q.withResource = "r0";  // items 0 and 6 (i % 3 == 0 and even)
  auto full = page(q);
  EXPECT_EQ(seqs(full), expected({0, 6}));
  EXPECT_EQ(full.count, 2U);
}

TEST_F(ArchiveTest, StartAndEndAreInclusiveTimeBounds) {
  fill(10);
  auto q = query(100);
  q.minSeq = archiveSeqAt(kT0 + 3s);
  q.maxSeq = archiveSeqAt(kT0 + 6s);  // items of second 6 have seq >= this; end is exclusive here
  auto middle = page(q);
  EXPECT_EQ(seqs(middle), expected({3, 4, 5, 6}));
  EXPECT_EQ(middle.count, 4U);
}

TEST_F(ArchiveTest, MaxZeroGivesOnlyTheCount) {
  fill(5);
  auto only = page(query(0));
  EXPECT_TRUE(only.items.empty());
  EXPECT_EQ(only.count, 5U);
  EXPECT_FALSE(only.complete);
}

TEST_F(ArchiveTest, PageSizeIsCappedByTheLimit) {
  Limits limits;
  limits.archivePageRows = 3;
  testing::TempDir dir;
  auto storage = testing::openIn(dir, limits);
  ASSERT_TRUE(storage->accounts().create("juliet", "example.org", testing::credentials()));
  std::vector<ArchiveRecord> batch;
  batch.reserve(5);
  for (int i = 0; i < 5; ++i) batch.push_back(record(i));
  ASSERT_TRUE(storage->archive().append(batch));
  auto r = storage->archive().query(query(100));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->items.size(), 3U);
  EXPECT_FALSE(r->complete);
}

TEST_F(ArchiveTest, ArchivesAreSeparatePerAccount) {
  fill(3);
  ASSERT_TRUE(archive().append(std::vector{record(10, "romeo")}));
  EXPECT_EQ(page(query(10)).count, 3U);
  auto q = query(10);
  q.user = "romeo";
  EXPECT_EQ(seqs(page(q)), expected({10}));
}

TEST_F(ArchiveTest, AppendSkipsUnknownAccountsAndInvalidRecords) {
  auto bad = record(1);
  bad.stanza = std::string("<message>\0</message>", 20);
  const std::vector batch{record(0), record(2, "ghost"), bad, record(3)};
  auto stored = archive().append(batch);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, 2U);
  EXPECT_EQ(seqs(page(query(10))), expected({0, 3}));
}

TEST_F(ArchiveTest, QueryOfAnUnknownAccountIsNotFound) {
  auto q = query(10);
  q.user = "ghost";
  auto r = archive().query(q);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kNotFound);
}

TEST_F(ArchiveTest, ContainsChecksOwnerAndTag) {
  fill(3);
  const auto item = record(1);
  EXPECT_TRUE(*archive().contains("juliet", "example.org", item.seq, item.tag));
  EXPECT_FALSE(*archive().contains("juliet", "example.org", item.seq, item.tag + 1));
  EXPECT_FALSE(*archive().contains("romeo", "example.org", item.seq, item.tag));
  EXPECT_FALSE(*archive().contains("juliet", "example.org", item.seq + 1, item.tag));
}

TEST_F(ArchiveTest, RemoveOlderThanDeletesOldestFirstInBoundedBatches) {
  fill(10);
  auto removed = archive().removeOlderThan(kT0 + 5s, 3);
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(*removed, 3U);
  EXPECT_EQ(*archive().removeOlderThan(kT0 + 5s, 100), 2U);
  EXPECT_EQ(*archive().removeOlderThan(kT0 + 5s, 100), 0U);
  EXPECT_EQ(seqs(page(query(100))), expected({5, 6, 7, 8, 9}));
  EXPECT_EQ(*archive().lastSeq(), record(9).seq);
}

TEST_F(ArchiveTest, RemovingTheAccountRemovesItsArchiveAndPrefs) {
  fill(3);
  ASSERT_TRUE(archive().setPrefs("juliet", "example.org", ArchivePrefs{}));
  ASSERT_TRUE(storage_->accounts().remove("juliet", "example.org"));
  ASSERT_TRUE(storage_->accounts().create("juliet", "example.org", testing::credentials()));
  EXPECT_EQ(page(query(10)).count, 0U);
  EXPECT_FALSE(archive().prefs("juliet", "example.org")->has_value());
}

TEST_F(ArchiveTest, PrefsRoundTripAndReplace) {
  EXPECT_FALSE(archive().prefs("juliet", "example.org")->has_value());
  ArchivePrefs prefs;
  prefs.defaultMode = ArchiveDefault::roster;
  prefs.always = {"a@example.org", "b@example.org"};
  prefs.never = {"spam@example.net"};
  ASSERT_TRUE(archive().setPrefs("juliet", "example.org", prefs));
  EXPECT_EQ(archive().prefs("juliet", "example.org")->value(), prefs);

  ArchivePrefs never;
  never.defaultMode = ArchiveDefault::never;
  ASSERT_TRUE(archive().setPrefs("juliet", "example.org", never));
  EXPECT_EQ(archive().prefs("juliet", "example.org")->value(), never);
}

TEST_F(ArchiveTest, PrefsRefuseOversizedListsAndBadJids) {
  Limits limits;
  ArchivePrefs prefs;
  prefs.always.assign(limits.archivePrefsJids + 1, "a@example.org");
  auto r = archive().setPrefs("juliet", "example.org", prefs);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kInvalid);
  ArchivePrefs bad;
  bad.never = {"line\nbreak@example.org"};
  EXPECT_EQ(archive().setPrefs("juliet", "example.org", bad).error().code, errc::kInvalid);
  EXPECT_EQ(archive().setPrefs("ghost", "example.org", ArchivePrefs{}).error().code,
            errc::kNotFound);
}

}  // namespace
}  // namespace keyfed::storage
