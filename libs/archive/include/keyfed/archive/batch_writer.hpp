#pragma once
// An archive's writer (docs/mam.md, "Writing off the delivery path"): the
// loop thread hands records over in O(1) and never waits for SQLite; one
// thread commits them in batches, one transaction per batch, when a batch is
// full or its oldest record has waited `delay`, and deletes expired messages
// every `expireInterval`. Time comes from a base::Clock so tests drive it with
// a FakeClock (then call wake() after moving it).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/storage/stores.hpp"

namespace keyfed::archive {

class BatchWriter {
 public:
  struct Options {
    std::size_t batchSize = 512;
    std::chrono::milliseconds delay{50};
    std::size_t capacity = 100000;    // records waiting for the writer
    std::chrono::hours retention{0};  // 0: keep forever
    std::chrono::seconds expireInterval{3600};
    std::size_t expireBatch = 5000;  // rows per delete transaction
    std::string logName = "mam";     // the component its log lines name
  };
  // Totals since start (atomic snapshot).
  struct Stats {
    std::uint64_t accepted = 0;  // handed to enqueue() and taken
    std::uint64_t refused = 0;   // the queue was full
    std::uint64_t stored = 0;    // committed
    std::uint64_t skipped = 0;   // committed batches left them out (account gone, invalid)
    std::uint64_t failed = 0;    // in batches whose transaction failed
    std::uint64_t expired = 0;   // deleted by retention
    std::uint64_t batches = 0;   // transactions committed
  };

  BatchWriter(storage::ArchiveSink& store, const base::Clock& clock, Options options);
  // stop()s.
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Loop thread. False (and counted as refused) when `capacity` records wait already.
  bool enqueue(storage::ArchiveRecord&& record);
  // Blocks until every record enqueued before the call is committed (or its
  // batch failed): a query after flush() sees every message accepted before it.
  void flush();
  // Makes the writer look at the clock again now (tests, after FakeClock::advance).
  void wake();
  // Commits what waits and ends the thread. Later enqueue() calls are refused.
  void stop();
  [[nodiscard]] Stats stats() const;

 private:
  void run();
  [[nodiscard]] bool batchDue(base::SteadyTime now) const;  // with mutex_ held
  void commit(std::vector<storage::ArchiveRecord>& batch);  // without mutex_
  void expire();                                            // without mutex_

  storage::ArchiveSink& store_;
  const base::Clock& clock_;
  const Options options_;
  base::Logger log_;

  mutable std::mutex mutex_;
  std::condition_variable work_;      // the writer waits here
  std::condition_variable finished_;  // flush() waits here
  std::vector<storage::ArchiveRecord> pending_;
  base::SteadyTime oldest_{};   // when pending_'s first record came
  std::uint64_t enqueued_ = 0;  // sequence of the last record enqueued
  std::uint64_t done_ = 0;      // records the writer is finished with
  std::uint64_t flushTo_ = 0;   // commit at least up to here without waiting
  base::SystemTime nextExpiry_{};
  bool stopping_ = false;
  bool wakeRequested_ = false;
  bool exited_ = false;  // the writer thread has returned
  Stats stats_;
  std::thread thread_;
};

}  // namespace keyfed::archive
