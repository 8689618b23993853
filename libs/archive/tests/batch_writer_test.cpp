// The batch writer against real SQLite, with a FakeClock for the delay and retention.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
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

// The real SQLite archive behind a gate that can hold append() the way a
// stalled disk would: the one thing the writer's backpressure must survive.
class GatedArchive : public storage::ArchiveStore {
 public:
  explicit GatedArchive(storage::ArchiveStore& real) : real_(real) {}

  void close() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  [[nodiscard]] bool holding() {
    std::lock_guard lock(mutex_);
    return holding_;
  }

  base::Result<std::size_t> append(std::span<const storage::ArchiveRecord> records) override {
    {
      std::unique_lock lock(mutex_);
      holding_ = !open_;
      opened_.wait(lock, [&] { return open_; });
      holding_ = false;
    }
    return real_.append(records);
  }
  base::Result<storage::ArchivePage> query(const storage::ArchiveQuery& q) override {
    return real_.query(q);
  }
  base::Result<bool> contains(std::string_view user, std::string_view host, std::int64_t seq,
                              std::uint32_t tag) override {
    return real_.contains(user, host, seq, tag);
  }
  base::Result<std::size_t> removeOlderThan(base::SystemTime cutoff, std::size_t maxRows) override {
    return real_.removeOlderThan(cutoff, maxRows);
  }
  base::Result<std::int64_t> lastSeq() override { return real_.lastSeq(); }
  base::Result<std::optional<storage::ArchivePrefs>> prefs(std::string_view user,
                                                           std::string_view host) override {
    return real_.prefs(user, host);
  }
  base::Result<> setPrefs(std::string_view user, std::string_view host,
                          const storage::ArchivePrefs& p) override {
    return real_.setPrefs(user, host, p);
  }

 private:
  storage::ArchiveStore& real_;
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = true;
  bool holding_ = false;
};

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

  void start(const BatchWriter::Options& options) {
    writer_ = std::make_unique<BatchWriter>(storage_->archive(), clock_, options);
  }
  void startGated(const BatchWriter::Options& options) {
    gate_ = std::make_unique<GatedArchive>(storage_->archive());
    writer_ = std::make_unique<BatchWriter>(*gate_, clock_, options);
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
  std::unique_ptr<GatedArchive> gate_;  // declared before writer_: outlives it
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

TEST_F(BatchWriterTest, DeliveryFasterThanTheWriterWaitsForItAndNothingIsLeftUnarchived) {
  // A queue of 30 would overflow at once if enqueue() did not wait: 500
  // records are handed over far faster than SQLite commits them.
  start({.batchSize = 10, .delay = 1h, .lagLimit = 20, .lagWait = 5s, .capacity = 30});
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(writer_->enqueue(record()));
  writer_->flush();
  EXPECT_EQ(archived(), 500U);
  const auto stats = writer_->stats();
  EXPECT_EQ(stats.refused, 0U);
  EXPECT_GT(stats.waits, 0U);
  EXPECT_EQ(stats.stalls, 0U);
}

TEST_F(BatchWriterTest, AStalledWriterIsWaitedForOnceThenTheQueueFillsAndRefuses) {
  startGated({.batchSize = 5, .delay = 1h, .lagLimit = 5, .lagWait = 50ms, .capacity = 12});
  gate_->close();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer_->enqueue(record()));
  ASSERT_TRUE(eventually([&] { return gate_->holding(); }));  // the writer took them and is stuck
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer_->enqueue(record()));

  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(writer_->enqueue(record()));  // waits out lagWait, then goes on
  EXPECT_GE(std::chrono::steady_clock::now() - before, 50ms);
  EXPECT_EQ(writer_->stats().stalls, 1U);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(writer_->enqueue(record()));  // no more waits
  EXPECT_FALSE(writer_->enqueue(record()));                             // 12 wait: full
  EXPECT_EQ(writer_->stats().waits, 1U);
  EXPECT_EQ(writer_->stats().refused, 1U);

  gate_->open();
  writer_->flush();
  EXPECT_EQ(archived(), 17U);  // everything accepted

  // Committing again ended the stall: a writer that lags is waited for again.
  gate_->close();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer_->enqueue(record()));
  ASSERT_TRUE(eventually([&] { return gate_->holding(); }));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer_->enqueue(record()));
  ASSERT_TRUE(writer_->enqueue(record()));
  EXPECT_EQ(writer_->stats().waits, 2U);
  EXPECT_EQ(writer_->stats().stalls, 2U);
  gate_->open();
  writer_->flush();
  EXPECT_EQ(archived(), 28U);
}

TEST_F(BatchWriterTest, AFullQueueRefusesAndCountsInsteadOfGrowing) {
  start({.batchSize = 1000, .delay = 1h, .lagLimit = 0, .capacity = 5});
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
