// The batch writer against real SQLite, with a FakeClock for the delay and retention.
#include <gtest/gtest.h>

#include <thread>

#include "keyfed/archive/batch_writer.hpp"
#include "keyfed/storage/sqlite/sqlite_storage.hpp"
#include "keyfed/xmpp/scram.hpp"

namespace keyfed::archive {
namespace {

using namespace std::chrono_literals;

// Polls `done` (the writer runs on its own thread) for up to five seconds.
template <class Pred>
bool eventually(Pred done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

class BatchWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "keyfed-mam-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    storage::SqliteOptions options;
    options.path = dir_ / "keyfed.db";
    auto opened = storage::openSqlite(options);
    ASSERT_TRUE(opened.has_value());
    storage_ = std::move(*opened);
    storage::Credentials c;
    c.sha1 = {storage::Bytes(16, 1), 4096, storage::Bytes(20, 2), storage::Bytes(20, 3)};
    c.sha256 = {storage::Bytes(16, 4), 4096, storage::Bytes(32, 5), storage::Bytes(32, 6)};
    ASSERT_TRUE(storage_->accounts().create("juliet", "example.test", c));
  }
  void TearDown() override {
    writer_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }

  void start(BatchWriter::Options options) {
    writer_ = std::make_unique<BatchWriter>(storage_->archive(), clock_, options);
  }

  storage::ArchiveRecord record() {
    storage::ArchiveRecord r;
    r.user = "juliet";
    r.host = "example.test";
    r.stamp = clock_.now();
    r.seq = storage::archiveSeqAt(r.stamp) + ++counter_;
    r.tag = 7;
    r.withBare = "romeo@example.test";
    r.stanza = "<message><body>" + std::to_string(counter_) + "</body></message>";
    return r;
  }

  std::uint64_t archived() {
    storage::ArchiveQuery q;
    q.user = "juliet";
    q.host = "example.test";
    auto page = storage_->archive().query(q);
    return page ? page->count : 0;
  }

  std::filesystem::path dir_;
  base::FakeClock clock_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<BatchWriter> writer_;
  int counter_ = 0;
};

TEST_F(BatchWriterTest, HoldsAPartialBatchUntilTheDelayPasses) {
  start({.batchSize = 100, .delay = 50ms});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(writer_->enqueue(record()));
  writer_->wake();
  std::this_thread::sleep_for(100ms);  // real time passes, the fake clock does not
  EXPECT_EQ(archived(), 0U);
  clock_.advance(50ms);
  writer_->wake();
  EXPECT_TRUE(eventually([&] { return archived() == 3; }));
  EXPECT_EQ(writer_->stats().batches, 1U);
  EXPECT_EQ(writer_->stats().stored, 3U);
}

TEST_F(BatchWriterTest, AFullBatchGoesAtOnceInOneTransaction) {
  start({.batchSize = 10, .delay = 1h});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(writer_->enqueue(record()));
  EXPECT_TRUE(eventually([&] { return archived() == 10; }));
  EXPECT_EQ(writer_->stats().batches, 1U);
}

TEST_F(BatchWriterTest, FlushCommitsEverythingEnqueuedBeforeIt) {
  start({.batchSize = 1000, .delay = 1h});
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(writer_->enqueue(record()));
  writer_->flush();
  EXPECT_EQ(archived(), 25U);
}

TEST_F(BatchWriterTest, AFullQueueRefusesAndCountsInsteadOfGrowing) {
  start({.batchSize = 1000, .delay = 1h, .capacity = 5});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(writer_->enqueue(record()));
  EXPECT_FALSE(writer_->enqueue(record()));
  EXPECT_FALSE(writer_->enqueue(record()));
  EXPECT_EQ(writer_->stats().refused, 2U);
  writer_->flush();
  EXPECT_EQ(archived(), 5U);
  EXPECT_TRUE(writer_->enqueue(record()));  // room again
}

TEST_F(BatchWriterTest, StopCommitsWhatWaitsAndRefusesLaterRecords) {
  start({.batchSize = 1000, .delay = 1h});
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(writer_->enqueue(record()));
  writer_->stop();
  EXPECT_EQ(archived(), 4U);
  EXPECT_FALSE(writer_->enqueue(record()));
  writer_->flush();  // returns at once after stop
}

TEST_F(BatchWriterTest, RecordsOfRemovedAccountsAreCountedAsSkipped) {
  start({.batchSize = 1000, .delay = 1h});
  auto ghost = record();
  ghost.user = "ghost";
  ASSERT_TRUE(writer_->enqueue(std::move(ghost)));
  ASSERT_TRUE(writer_->enqueue(record()));
  writer_->flush();
  EXPECT_EQ(writer_->stats().stored, 1U);
  EXPECT_EQ(writer_->stats().skipped, 1U);
}

TEST_F(BatchWriterTest, RetentionDeletesExpiredMessagesPeriodically) {
  start({.batchSize = 1000, .delay = 1h, .retention = 48h, .expireInterval = 1h});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(writer_->enqueue(record()));
  writer_->flush();
  clock_.advance(24h);
  ASSERT_TRUE(writer_->enqueue(record()));  // one day younger
  writer_->flush();
  ASSERT_EQ(archived(), 4U);

  clock_.advance(24h + 1s);  // the first three are now older than 48 hours
  writer_->wake();
  EXPECT_TRUE(eventually([&] { return archived() == 1; }));
  EXPECT_EQ(writer_->stats().expired, 3U);

  clock_.advance(24h);
  writer_->wake();
  EXPECT_TRUE(eventually([&] { return archived() == 0; }));
}

}  // namespace
}  // namespace keyfed::archive
