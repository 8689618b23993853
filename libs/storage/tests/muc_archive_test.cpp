// Archives of MUC rooms (schema v10): per-room separation, the nickname and
// sender filters, paging both ways, deletion with the room, orphans of
// temporary rooms, retention and invalid records.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::StorageTest;
using namespace std::chrono_literals;

constexpr base::SystemTime kT0 = base::fromUnixSeconds(1'700'000'000);

class MucArchiveTest : public StorageTest {
 protected:
  MucArchiveStore& archive() { return storage_->mucArchive(); }

  // Message i of `room`: one second apart, alternately by romeo ("Romeo") and juliet ("J").
  static ArchiveRecord record(int i, const std::string& room = "lobby") {
    ArchiveRecord r;
    r.user = room;
    r.host = "conference.example.org";
    r.stamp = kT0 + std::chrono::seconds{i};
    r.seq = archiveSeqAt(r.stamp) + (r.user == "lobby" ? 0 : 1);
    r.tag = 500U + static_cast<std::uint32_t>(i);
    r.withBare = i % 2 == 0 ? "romeo@example.org" : "juliet@example.org";
    r.withResource = i % 2 == 0 ? "Romeo" : "J";
    r.stanza = "<message type='groupchat'><body>" + std::to_string(i) + "</body></message>";
    return r;
  }

  void fill(const std::string& room, int n) {
    std::vector<ArchiveRecord> batch;
    batch.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) batch.push_back(record(i, room));
    auto stored = archive().append(batch);
    ASSERT_TRUE(stored.has_value()) << stored.error().describe();
    ASSERT_EQ(*stored, static_cast<std::size_t>(n));
  }

  static ArchiveQuery query(std::size_t max, std::string room = "lobby") {
    ArchiveQuery q;
    q.user = std::move(room);
    q.host = "conference.example.org";
    q.max = max;
    return q;
  }

  ArchivePage page(const ArchiveQuery& q) {
    auto r = archive().query(q);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().describe());
    return r ? *r : ArchivePage{};
  }

  static std::vector<std::string> bodies(const ArchivePage& p) {
    std::vector<std::string> out;
    for (const auto& item : p.items) {
      const auto open = item.stanza.find("<body>") + 6;
      out.push_back(item.stanza.substr(open, item.stanza.find("</body>") - open));
    }
    return out;
  }
};

TEST_F(MucArchiveTest, PagesForwardAndBackwardWithinOneRoom) {
  fill("lobby", 7);
  fill("kitchen", 3);
  auto q = query(3);
  auto first = page(q);
  EXPECT_EQ(bodies(first), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(first.count, 7U);  // the kitchen's messages are not the lobby's
  EXPECT_FALSE(first.complete);
  EXPECT_EQ(first.items[0].withBare, "romeo@example.org");  // the real sender, beside the message
  q.afterSeq = first.items.back().seq;
  auto second = page(q);
  EXPECT_EQ(bodies(second), (std::vector<std::string>{"3", "4", "5"}));

  auto back = query(3);
  back.fromEnd = true;
  auto last = page(back);
  EXPECT_EQ(bodies(last), (std::vector<std::string>{"4", "5", "6"}));
  EXPECT_FALSE(last.complete);
  back.fromEnd = false;
  back.beforeSeq = last.items.front().seq;
  EXPECT_EQ(bodies(page(back)), (std::vector<std::string>{"1", "2", "3"}));
  back.beforeSeq = record(1).seq;
  auto start = page(back);
  EXPECT_EQ(bodies(start), (std::vector<std::string>{"0"}));
  EXPECT_TRUE(start.complete);
}

TEST_F(MucArchiveTest, FiltersByNicknameAndByRealSender) {
  fill("lobby", 6);
  auto byNick = query(10);
  byNick.withResource = "J";
  EXPECT_EQ(bodies(page(byNick)), (std::vector<std::string>{"1", "3", "5"}));
  auto bySender = query(10);
  bySender.withBare = "romeo@example.org";
  EXPECT_EQ(bodies(page(bySender)), (std::vector<std::string>{"0", "2", "4"}));
  bySender.withResource = "J";  // both: romeo never wrote as J
  EXPECT_EQ(page(bySender).count, 0U);
}

TEST_F(MucArchiveTest, ContainsNeedsTheRightRoomAndTag) {
  fill("lobby", 2);
  fill("kitchen", 1);
  const auto r = record(1);
  EXPECT_TRUE(*archive().contains("lobby@conference.example.org", r.seq, r.tag));
  EXPECT_FALSE(*archive().contains("lobby@conference.example.org", r.seq, r.tag + 1));
  EXPECT_FALSE(*archive().contains("kitchen@conference.example.org", r.seq, r.tag));
}

TEST_F(MucArchiveTest, RemoveRoomDeletesInBoundedBatches) {
  fill("lobby", 5);
  fill("kitchen", 2);
  EXPECT_EQ(*archive().removeRoom("lobby@conference.example.org", 3), 3U);
  EXPECT_EQ(*archive().removeRoom("lobby@conference.example.org", 3), 2U);
  EXPECT_EQ(*archive().removeRoom("lobby@conference.example.org", 3), 0U);
  EXPECT_EQ(page(query(10)).count, 0U);
  EXPECT_EQ(page(query(10, "kitchen")).count, 2U);
}

TEST_F(MucArchiveTest, OrphansAreTheRoomsThatAreNotPersistent) {
  fill("lobby", 3);
  fill("kitchen", 2);
  ASSERT_TRUE(storage_->mucRooms().putRoom("conference.example.org",
                                           StoredRoom{"kitchen@conference.example.org", "", {}}));
  // Another service's rooms are not this service's orphans.
  ArchiveRecord other = record(9);
  other.host = "muc.example.net";
  ASSERT_EQ(*archive().append(std::span(&other, 1)), 1U);

  EXPECT_EQ(*archive().removeOrphans("conference.example.org", 100), 3U);
  EXPECT_EQ(page(query(10)).count, 0U);
  EXPECT_EQ(page(query(10, "kitchen")).count, 2U);
  auto q = query(10);
  q.host = "muc.example.net";
  EXPECT_EQ(page(q).count, 1U);
}

TEST_F(MucArchiveTest, RetentionAndLastSeq) {
  EXPECT_EQ(*archive().lastSeq(), 0);
  fill("lobby", 4);
  EXPECT_EQ(*archive().lastSeq(), record(3).seq);
  EXPECT_EQ(*archive().removeOlderThan(kT0 + 2s, 100), 2U);
  EXPECT_EQ(bodies(page(query(10))), (std::vector<std::string>{"2", "3"}));
}

TEST_F(MucArchiveTest, InvalidRecordsAreSkippedNotStored) {
  std::vector<ArchiveRecord> batch{record(0), record(1), record(2)};
  batch[1].stanza = std::string(storage_->limits().archiveStanzaBytes + 1, 'x');
  batch[2].stanza.clear();
  auto stored = archive().append(batch);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, 1U);
  EXPECT_EQ(page(query(10)).count, 1U);
}

}  // namespace
}  // namespace keyfed::storage
