#include "keyfed/archive/batch_writer.hpp"

#include <algorithm>
#include <span>
#include <utility>

#include "keyfed/base/thread_name.hpp"

namespace keyfed::archive {

BatchWriter::BatchWriter(storage::ArchiveSink& store, const base::Clock& clock, Options options)
    : store_(store), clock_(clock), options_(std::move(options)), log_(options_.logName) {
  pending_.reserve(std::min(options_.batchSize, options_.capacity));
  nextExpiry_ = clock_.now();  // a first pass at start
  thread_ = std::thread([this] { run(); });
}

BatchWriter::~BatchWriter() {
  stop();
}

bool BatchWriter::enqueue(storage::ArchiveRecord&& record) {
  bool notify = false;
  {
    std::unique_lock lock(mutex_);
    if (options_.lagLimit > 0 && !stalled_ && !stopping_ && pending_.size() >= options_.lagLimit) {
      ++stats_.waits;
      work_.notify_one();
      if (!taken_.wait_for(lock, options_.lagWait,
                           [&] { return stopping_ || pending_.size() < options_.lagLimit; })) {
        stalled_ = true;
        ++stats_.stalls;
        log_.warn("the archive writer has not kept up for {} ms; delivery no longer waits for it",
                  options_.lagWait.count());
      }
    }
    if (stopping_ || pending_.size() >= options_.capacity) {
      ++stats_.refused;
      return false;
    }
    if (pending_.empty()) {
      oldest_ = clock_.steadyNow();
      notify = true;  // the writer starts the delay
    }
    pending_.push_back(std::move(record));
    ++enqueued_;
    ++stats_.accepted;
    notify = notify || pending_.size() == options_.batchSize;
  }
  if (notify) work_.notify_one();
  return true;
}

void BatchWriter::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = enqueued_;
  if (done_ >= target) return;
  flushTo_ = std::max(flushTo_, target);
  work_.notify_one();
  finished_.wait(lock, [&] { return done_ >= target || exited_; });
}

void BatchWriter::wake() {
  {
    std::lock_guard lock(mutex_);
    wakeRequested_ = true;
  }
  work_.notify_one();
}

void BatchWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_.notify_one();
  taken_.notify_all();
  if (thread_.joinable()) thread_.join();
}

BatchWriter::Stats BatchWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool BatchWriter::batchDue(base::SteadyTime now) const {
  if (pending_.empty()) return false;
  return stopping_ || pending_.size() >= options_.batchSize || flushTo_ > done_ ||
         (options_.lagLimit > 0 && pending_.size() >= options_.lagLimit) ||
         now - oldest_ >= options_.delay;
}

void BatchWriter::run() {
  // Named for top -H and gdb. Not niced: a writer below the loop thread's
  // priority falls behind at saturation and the queue overflows (measured,
  // docs/performance.md); at the same priority the shared core is the
  // backpressure that keeps every delivered message archived.
  (void)base::nameCurrentThread("keyfed-archive");
  std::vector<storage::ArchiveRecord> batch;
  batch.reserve(pending_.capacity());
  std::unique_lock lock(mutex_);
  for (;;) {
    wakeRequested_ = false;
    if (batchDue(clock_.steadyNow())) {
      // Swapping keeps both vectors' capacity: no allocation per batch.
      batch.swap(pending_);
      taken_.notify_all();
      lock.unlock();
      commit(batch);
      const std::uint64_t taken = batch.size();
      batch.clear();
      lock.lock();
      done_ += taken;
      if (stalled_) {
        stalled_ = false;
        log_.info("the archive writer is committing again; delivery waits for it when it lags");
      }
      finished_.notify_all();
      continue;
    }
    if (stopping_) {
      exited_ = true;
      finished_.notify_all();
      return;
    }
    if (options_.retention.count() > 0 && clock_.now() >= nextExpiry_) {
      lock.unlock();
      expire();
      lock.lock();
      nextExpiry_ = clock_.now() + options_.expireInterval;
      continue;
    }
    // Sleep until the oldest record is due or the next expiry pass; with a
    // FakeClock the real wait passes without the fake time moving, and the
    // loop simply waits again (tests call wake() after advancing it).
    std::chrono::nanoseconds wait = options_.expireInterval;
    if (!pending_.empty()) {
      wait = std::max(std::chrono::nanoseconds{0},
                      std::chrono::nanoseconds(options_.delay - (clock_.steadyNow() - oldest_)));
    } else if (options_.retention.count() > 0) {
      wait = std::max(std::chrono::nanoseconds{0},
                      std::chrono::nanoseconds(nextExpiry_ - clock_.now()));
    }
    work_.wait_for(lock, wait, [&] {
      return stopping_ || wakeRequested_ || flushTo_ > done_ ||
             pending_.size() >= options_.batchSize ||
             (options_.lagLimit > 0 && pending_.size() >= options_.lagLimit);
    });
  }
}

void BatchWriter::commit(std::vector<storage::ArchiveRecord>& batch) {
  // A queue longer than a batch (the writer fell behind) goes in batch-sized
  // transactions, so that no transaction holds the write lock for long.
  for (std::size_t from = 0; from < batch.size(); from += options_.batchSize) {
    const std::size_t n = std::min(options_.batchSize, batch.size() - from);
    auto stored = store_.append(std::span(batch).subspan(from, n));
    std::lock_guard lock(mutex_);
    if (stored) {
      ++stats_.batches;
      stats_.stored += *stored;
      stats_.skipped += n - *stored;
    } else {
      stats_.failed += n;
      log_.error("archiving {} messages failed (they are lost): {}", n, stored.error().describe());
    }
  }
}

void BatchWriter::expire() {
  const auto cutoff = clock_.now() - options_.retention;
  for (;;) {
    auto removed = store_.removeOlderThan(cutoff, options_.expireBatch);
    if (!removed) {
      log_.warn("deleting expired archived messages failed: {}", removed.error().describe());
      return;
    }
    {
      std::lock_guard lock(mutex_);
      stats_.expired += *removed;
    }
    if (*removed < options_.expireBatch) return;
  }
}

}  // namespace keyfed::archive
