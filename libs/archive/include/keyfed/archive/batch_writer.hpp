#pragma once
// An archive's writer (docs/mam.md, "Writing off the delivery path"): the
// loop thread hands records over in O(1) and never waits for SQLite; one
// thread commits them in batches, one transaction per batch, when a batch is
// full or its oldest record has waited `delay`, and deletes expired messages
// every `expireInterval`. Time comes from a base::Clock so tests drive it with
// a FakeClock (then call wake() after moving it).
//
// Backpressure: when `lagLimit` records wait, enqueue() waits (at most
// `lagWait`) until the writer has taken them, so a server delivering faster
// than the archive can write slows to the archive's pace instead of dropping
// archive entries. A writer that does not take them in time (a stalled disk)
// is not waited for again until it commits; then the queue fills up to
// `capacity` and enqueue() refuses.

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
    std::size_t batchSize = 4096;  // [mam]'s defaults (docs/mam.md)
    std::chrono::milliseconds delay{50};
    std::size_t lagLimit = 32768;            // records waiting before enqueue() waits; 0: never
    std::chrono::milliseconds lagWait{250};  // the longest one enqueue() waits
    std::size_t capacity = 100000;           // records waiting: past it, refused
    std::chrono::hours retention{0};         // 0: keep forever
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
    std::uint64_t waits = 0;     // enqueue() calls that waited for the writer (backpressure)
    std::uint64_t stalls = 0;    // waits that ran out: the writer is stalled
  };

  BatchWriter(storage::ArchiveSink& store, const base::Clock& clock, Options options);
  // stop()s.
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Loop thread. Waits while `lagLimit` records wait (see above); false (and
  // counted as refused) when `capacity` records wait already.
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
  std::condition_variable taken_;     // enqueue() waits here for the writer to take the queue
  std::vector<storage::ArchiveRecord> pending_;
  base::SteadyTime oldest_{};   // when pending_'s first record came
  std::uint64_t enqueued_ = 0;  // sequence of the last record enqueued
  std::uint64_t done_ = 0;      // records the writer is finished with
  std::uint64_t flushTo_ = 0;   // commit at least up to here without waiting
  base::SystemTime nextExpiry_{};
  bool stopping_ = false;
  bool wakeRequested_ = false;
  bool exited_ = false;   // the writer thread has returned
  bool stalled_ = false;  // a wait ran out; no more waits until the writer commits
  Stats stats_;
  std::thread thread_;
};

}  // namespace keyfed::archive
