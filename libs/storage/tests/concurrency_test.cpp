// Several threads, and several pools on one file (server + keyfedctl).

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::credentials;
using testing::TempDir;

TEST(Concurrency, ThreadsCreateAccountsAndStoreMessages) {
  TempDir dir;
  Limits limits;
  limits.offlinePerUser = 100000;
  SqliteOptions o = testing::optionsIn(dir, limits);
  o.connections = 4;
  auto opened = openSqlite(o);
  ASSERT_TRUE(opened.has_value());
  Storage& s = **opened;
  ASSERT_TRUE(s.accounts().create("hub", "example.org", credentials()).has_value());

  constexpr int kThreads = 6;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string user = "u" + std::to_string(t) + "-" + std::to_string(i);
        if (!s.accounts().create(user, "example.org", credentials()).has_value()) ++failures;
        if (!s.offline().store("hub", "example.org", "<message/>", {}).has_value()) ++failures;
        if (!s.accounts().exists(user, "example.org").value_or(false)) ++failures;
        if (!s.roster().get("hub", "example.org").has_value()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*s.accounts().count("example.org"), kThreads * kPerThread + 1U);
  EXPECT_EQ(*s.offline().count("hub", "example.org"), std::uint64_t{kThreads} * kPerThread);
}

TEST(Concurrency, QuotaHoldsUnderConcurrentStores) {
  TempDir dir;
  Limits limits;
  limits.offlinePerUser = 50;
  SqliteOptions o = testing::optionsIn(dir, limits);
  o.connections = 4;
  auto s = openSqlite(o);
  ASSERT_TRUE(s.has_value());
  ASSERT_TRUE((*s)->accounts().create("juliet", "example.org", credentials()).has_value());
  std::atomic<int> stored{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto r = (*s)->offline().store("juliet", "example.org", "<message/>", {});
        if (r) {
          ++stored;
        } else if (r.error().code == errc::kQuota) {
          ++refused;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(stored.load(), 50);
  EXPECT_EQ(refused.load(), 30);
  EXPECT_EQ(*(*s)->offline().count("juliet", "example.org"), 50U);
}

TEST(Concurrency, RosterVersionsAreUniqueUnderConcurrentChanges) {
  TempDir dir;
  SqliteOptions o = testing::optionsIn(dir);
  o.connections = 4;
  auto s = openSqlite(o);
  ASSERT_TRUE(s.has_value());
  ASSERT_TRUE((*s)->accounts().create("juliet", "example.org", credentials()).has_value());
  std::mutex m;
  std::set<std::uint64_t> versions;
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        RosterItem item;
        item.jid = "c" + std::to_string(t) + "-" + std::to_string(i) + "@x.example";
        auto v = (*s)->roster().upsert("juliet", "example.org", item);
        std::lock_guard lock(m);
        versions.insert(v.value_or(0));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(versions.size(), 100U);
  EXPECT_EQ(versions.count(0), 0U);
  EXPECT_EQ(*versions.rbegin(), 100U);
  EXPECT_EQ(*(*s)->roster().version("juliet", "example.org"), 100U);
}

TEST(Concurrency, TwoPoolsOnOneFile) {
  TempDir dir;
  auto a = testing::openIn(dir);
  auto b = testing::openIn(dir);  // as keyfedctl would, beside the server
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::atomic<int> failures{0};
  auto work = [&](Storage& s, const std::string& prefix) {
    for (int i = 0; i < 60; ++i) {
      if (!s.accounts().create(prefix + std::to_string(i), "example.org", credentials())) {
        ++failures;
      }
    }
  };
  std::thread ta(work, std::ref(*a), "a");
  std::thread tb(work, std::ref(*b), "b");
  ta.join();
  tb.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*a->accounts().count("example.org"), 120U);
  EXPECT_TRUE(*b->accounts().exists("a59", "example.org"));
}

TEST(Concurrency, SinglePooledConnectionSerializesCallers) {
  TempDir dir;
  SqliteOptions o = testing::optionsIn(dir);
  o.connections = 1;
  auto s = openSqlite(o);
  ASSERT_TRUE(s.has_value());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string user = "u" + std::to_string(t) + "x" + std::to_string(i);
        if (!(*s)->accounts().create(user, "example.org", credentials())) ++failures;
        if (!(*s)->accounts().credentials(user, "example.org")) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*(*s)->accounts().count("example.org"), 80U);
}

}  // namespace
}  // namespace keyfed::storage
