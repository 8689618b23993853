// SQLite storage backend: offline store + take, roster get, credentials get.
// Databases live in a temporary directory (WAL, synchronous=NORMAL as in
// production). Multi-threaded runs compare a pool of 1 connection (a mutex)
// with a pool of 4 (docs/storage.md).

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "keyfed/storage/sqlite/sqlite_storage.hpp"

namespace {

using namespace keyfed::storage;
namespace fs = std::filesystem;

constexpr int kUsers = 64;

Credentials sampleCredentials() {
  Credentials c;
  c.sha1 = {Bytes(16, 1), 4096, Bytes(20, 2), Bytes(20, 3)};
  c.sha256 = {Bytes(16, 4), 4096, Bytes(32, 5), Bytes(32, 6)};
  return c;
}

std::string user(int i) {
  return "user" + std::to_string(i);
}

// One database per pool size, shared by the benchmark threads, removed at exit.
class Databases {
 public:
  ~Databases() {
    stores_.clear();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Storage& get(std::size_t connections) {
    std::lock_guard lock(mutex_);
    auto it = stores_.find(connections);
    if (it != stores_.end()) return *it->second;
    fs::create_directories(dir_);
    SqliteOptions o;
    o.path = dir_ / ("bench-" + std::to_string(connections) + ".db");
    o.connections = connections;
    o.limits.offlinePerUser = 1'000'000;
    auto opened = openSqlite(o);
    if (!opened) {
      fprintf(stderr, "open failed: %s\n", opened.error().describe().c_str());
      std::abort();
    }
    Storage& s = **opened;
    for (int i = 0; i < kUsers; ++i) {
      (void)s.accounts().create(user(i), "example.org", sampleCredentials());
      for (int k = 0; k < 100; ++k) {
        RosterItem item;
        item.jid = "contact" + std::to_string(k) + "@example.net";
        item.name = "Contact " + std::to_string(k);
        item.subscription = Subscription::both;
        item.groups = {"Friends"};
        (void)s.roster().upsert(user(i), "example.org", item);
      }
    }
    return *stores_.emplace(connections, std::move(*opened)).first->second;
  }

 private:
  fs::path dir_ = fs::temp_directory_path() / ("keyfed-bench-" + std::to_string(::getpid()));
  std::mutex mutex_;
  std::map<std::size_t, std::unique_ptr<Storage>> stores_;
};

Databases& databases() {
  static Databases d;
  return d;
}

constexpr std::string_view kStanza =
    "<message from='romeo@example.net/orchard' to='user0@example.org' type='chat' id='a1'>"
    "<body>Wherefore art thou?</body></message>";

// Stores 10 messages for one user, then takes them all: one offline round trip.
void BM_OfflineStoreTake(benchmark::State& state) {
  Storage& s = databases().get(static_cast<std::size_t>(state.range(0)));
  const std::string u = user(state.thread_index() % kUsers);
  for (auto _ : state) {
    for (int i = 0; i < 10; ++i) {
      if (!s.offline().store(u, "example.org", kStanza, {})) state.SkipWithError("store");
    }
    auto taken = s.offline().take(u, "example.org");
    if (!taken || taken->size() != 10) state.SkipWithError("take");
  }
  state.SetItemsProcessed(state.iterations() * 10);
  state.SetLabel("items = messages stored and taken");
}
BENCHMARK(BM_OfflineStoreTake)->Arg(1)->Arg(4)->ThreadRange(1, 4)->UseRealTime();

void BM_RosterGet100(benchmark::State& state) {
  Storage& s = databases().get(static_cast<std::size_t>(state.range(0)));
  const std::string u = user(state.thread_index() % kUsers);
  for (auto _ : state) {
    auto r = s.roster().get(u, "example.org");
    if (!r || r->items.size() != 100) state.SkipWithError("roster");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RosterGet100)->Arg(1)->Arg(4)->ThreadRange(1, 4)->UseRealTime();

void BM_CredentialsGet(benchmark::State& state) {
  Storage& s = databases().get(static_cast<std::size_t>(state.range(0)));
  int i = state.thread_index();
  for (auto _ : state) {
    auto c = s.accounts().credentials(user(i++ % kUsers), "example.org");
    if (!c) state.SkipWithError("credentials");
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CredentialsGet)->Arg(1)->Arg(4)->ThreadRange(1, 4)->UseRealTime();

void BM_RosterUpsert(benchmark::State& state) {
  Storage& s = databases().get(static_cast<std::size_t>(state.range(0)));
  const std::string u = user(state.thread_index() % kUsers);
  RosterItem item;
  item.jid = "contact7@example.net";
  item.subscription = Subscription::both;
  item.groups = {"Friends", "Work"};
  for (auto _ : state) {
    if (!s.roster().upsert(u, "example.org", item)) state.SkipWithError("upsert");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RosterUpsert)->Arg(1)->Arg(4)->ThreadRange(1, 4)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
