// XEP-0313 archive queries over 100,000 archived messages of one account
// (docs/mam.md, docs/performance.md): the first page, the last page (RSM
// <before/>), a page in the middle (RSM <after/>), a 'with' filter, and a
// time range, each with its RSM count, as the module asks them. Also the
// writer's batch append, per message.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "keyfed/storage/sqlite/sqlite_storage.hpp"

namespace {

using namespace keyfed::storage;
namespace fs = std::filesystem;

constexpr int kMessages = 100'000;
constexpr int kContacts = 20;
constexpr keyfed::base::SystemTime kT0{std::chrono::seconds{1'700'000'000}};

[[noreturn]] void die(const std::string& what) {
  fprintf(stderr, "%s\n", what.c_str());
  std::abort();
}

ArchiveRecord record(int i, const std::string& user = "juliet") {
  ArchiveRecord r;
  r.user = user;
  r.host = "example.org";
  r.stamp = kT0 + std::chrono::milliseconds{250LL * i};
  r.seq = archiveSeqAt(r.stamp) + 1;
  r.tag = static_cast<std::uint32_t>(i * 2654435761U);
  r.withBare = "contact" + std::to_string(i % kContacts) + "@example.net";
  r.withResource = "phone";
  r.stanza = "<message xmlns='jabber:client' from='contact" + std::to_string(i % kContacts) +
             "@example.net/phone' to='" + user + "@example.org' type='chat' id='m" +
             std::to_string(i) + "'><body>Message number " + std::to_string(i) +
             " of the benchmark, about as long as a chat line.</body></message>";
  return r;
}

// One database with 100,000 messages in juliet's archive (and 10,000 in
// romeo's, so the index is shared), built once, removed at exit.
class Archive {
 public:
  Archive() {
    dir_ = fs::temp_directory_path() / ("keyfed-archive-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    SqliteOptions o;
    o.path = dir_ / "bench.db";
    auto opened = openSqlite(o);
    if (!opened) die(opened.error().describe());
    storage_ = std::move(*opened);
    Credentials c;
    c.sha1 = {Bytes(16, 1), 4096, Bytes(20, 2), Bytes(20, 3)};
    c.sha256 = {Bytes(16, 4), 4096, Bytes(32, 5), Bytes(32, 6)};
    for (const char* u : {"juliet", "romeo", "writer"}) {
      if (!storage_->accounts().create(u, "example.org", c)) die("account");
    }
    std::vector<ArchiveRecord> batch;
    for (int i = 0; i < kMessages + kMessages / 10; ++i) {
      // Interleaved owners, as a real archive would be; seq stays unique.
      auto r = record(i, i % 11 == 10 ? "romeo" : "juliet");
      batch.push_back(std::move(r));
      if (batch.size() == 1000) {
        if (!storage_->archive().append(batch)) die("append");
        batch.clear();
      }
    }
    if (!batch.empty() && !storage_->archive().append(batch)) die("append");
  }
  ~Archive() {
    storage_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  ArchiveStore& store() { return storage_->archive(); }

 private:
  fs::path dir_;
  std::unique_ptr<Storage> storage_;
};

Archive& archive() {
  static Archive a;
  return a;
}

ArchiveQuery page(std::size_t max) {
  ArchiveQuery q;
  q.user = "juliet";
  q.host = "example.org";
  q.max = max;
  return q;
}

void run(benchmark::State& state, const ArchiveQuery& q) {
  auto& store = archive().store();
  std::uint64_t count = 0;
  for (auto _ : state) {
    auto r = store.query(q);
    if (!r) die(r.error().describe());
    count = r->count;
    benchmark::DoNotOptimize(r->items.data());
  }
  state.counters["count"] = static_cast<double>(count);
}

void BM_ArchiveFirstPage(benchmark::State& state) {
  run(state, page(static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_ArchiveFirstPage)->Arg(50)->Arg(250)->Unit(benchmark::kMillisecond);

void BM_ArchiveLastPage(benchmark::State& state) {
  auto q = page(static_cast<std::size_t>(state.range(0)));
  q.fromEnd = true;
  run(state, q);
}
BENCHMARK(BM_ArchiveLastPage)->Arg(50)->Arg(250)->Unit(benchmark::kMillisecond);

void BM_ArchiveMiddlePageAfterId(benchmark::State& state) {
  auto q = page(50);
  q.afterSeq = record(kMessages / 2).seq;
  run(state, q);
}
BENCHMARK(BM_ArchiveMiddlePageAfterId)->Unit(benchmark::kMillisecond);

void BM_ArchiveWithFilter(benchmark::State& state) {
  auto q = page(50);
  q.withBare = "contact7@example.net";
  q.fromEnd = true;
  run(state, q);
}
BENCHMARK(BM_ArchiveWithFilter)->Unit(benchmark::kMillisecond);

void BM_ArchiveTimeRange(benchmark::State& state) {
  auto q = page(50);
  q.minSeq = archiveSeqAt(kT0 + std::chrono::hours{2});
  q.maxSeq = archiveSeqAt(kT0 + std::chrono::hours{4});
  run(state, q);
}
BENCHMARK(BM_ArchiveTimeRange)->Unit(benchmark::kMillisecond);

// The writer's transaction: batches of 512 messages; items per second = archived messages/s.
void BM_ArchiveAppendBatch(benchmark::State& state) {
  auto& store = archive().store();
  const auto n = static_cast<std::size_t>(state.range(0));
  static int next = 10 * kMessages;  // benchmark runs this function more than once: ids stay unique
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<ArchiveRecord> batch;
    for (std::size_t i = 0; i < n; ++i) batch.push_back(record(next++, "writer"));
    state.ResumeTiming();
    auto stored = store.append(batch);
    if (!stored || *stored != n) die("append");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_ArchiveAppendBatch)->Arg(512)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
