// The FAC audit log: append-only, filtered queries newest first.

#include <gtest/gtest.h>

#include "db.hpp"
#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

constexpr base::SystemTime kT0 = base::fromUnixSeconds(1'700'000'000);

AuditRecord record(std::string event, std::string requestId, std::string outcome,
                   base::SystemTime at) {
  AuditRecord r;
  r.at = at;
  r.event = std::move(event);
  r.requestId = std::move(requestId);
  r.principal = "ed25519-hex:ab";
  r.peer = "alice.test";
  r.outcome = std::move(outcome);
  r.detail = "why";
  return r;
}

TEST(Audit, RecordsComeBackNewestFirstAndFiltered) {
  TempDir dir;
  auto s = testing::openIn(dir);
  auto& log = s->audit();
  ASSERT_TRUE(log.append(record("request", "r1", "", kT0)).has_value());
  ASSERT_TRUE(log.append(record("decision", "r1", "granted", kT0 + 1s)).has_value());
  auto change = record("change", "r1", "applied", kT0 + 1s);
  change.entryId = 7;
  ASSERT_TRUE(log.append(change).has_value());
  ASSERT_TRUE(log.append(record("decision", "r2", "refused", kT0 + 5s)).has_value());

  auto all = log.query({});
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 4U);
  EXPECT_EQ((*all)[0].requestId, "r2");
  EXPECT_EQ((*all)[3].event, "request");
  EXPECT_EQ((*all)[3].at, kT0);
  EXPECT_EQ((*all)[3].peer, "alice.test");

  AuditQuery q;
  q.requestId = "r1";
  EXPECT_EQ(log.query(q)->size(), 3U);
  q.event = "decision";
  ASSERT_EQ(log.query(q)->size(), 1U);
  EXPECT_EQ(log.query(q)->front().outcome, "granted");

  AuditQuery refused;
  refused.outcome = "refused";
  EXPECT_EQ(log.query(refused)->front().requestId, "r2");

  AuditQuery byEntry;
  byEntry.entryId = 7;
  EXPECT_EQ(log.query(byEntry)->front().event, "change");

  AuditQuery window;
  window.since = kT0 + 1s;
  window.until = kT0 + 5s;
  EXPECT_EQ(log.query(window)->size(), 2U);

  AuditQuery page;
  page.limit = 2;
  auto first = log.query(page);
  ASSERT_EQ(first->size(), 2U);
  page.beforeId = first->back().id;
  auto second = log.query(page);
  ASSERT_EQ(second->size(), 2U);
  EXPECT_EQ(second->back().event, "request");
}

TEST(Audit, TheTableRefusesUpdatesAndDeletes) {
  TempDir dir;
  auto s = testing::openIn(dir);
  ASSERT_TRUE(s->audit().append(record("request", "r1", "", kT0)).has_value());
  auto conn = sqlite::Connection::open(dir.path() / "keyfed.db", std::chrono::milliseconds{1000});
  ASSERT_TRUE(conn.has_value());
  EXPECT_FALSE((*conn)->exec("DELETE FROM fac_audit").has_value());
  EXPECT_FALSE((*conn)->exec("UPDATE fac_audit SET outcome = 'granted'").has_value());
  EXPECT_EQ(s->audit().query({})->size(), 1U);
}

TEST(Audit, PruneRemovesTheOldestRecordsByAgeInBatches) {
  TempDir dir;
  auto s = testing::openIn(dir);
  auto& log = s->audit();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(log.append(record("request", "r" + std::to_string(i), "", kT0 + i * 1s)));
  }
  auto bound = log.pruneBound(kT0 + 4s, 0);
  ASSERT_TRUE(bound.has_value());
  EXPECT_EQ(bound->records, 4);
  EXPECT_EQ(*log.prune(bound->upTo, 3), 3U);
  EXPECT_EQ(*log.prune(bound->upTo, 3), 1U);
  EXPECT_EQ(*log.prune(bound->upTo, 3), 0U);
  auto left = log.query({});
  ASSERT_EQ(left->size(), 6U);
  EXPECT_EQ(left->back().requestId, "r4");
  EXPECT_EQ(log.pruneBound(kT0 + 4s, 0)->records, 0);
}

TEST(Audit, PruneKeepsTheNewestRowsAndNeverAYoungerOneAfterAClockStep) {
  TempDir dir;
  auto s = testing::openIn(dir);
  auto& log = s->audit();
  // The clock stepped back after r2: r3 is older than r2 by its time.
  ASSERT_TRUE(log.append(record("request", "r1", "", kT0)));
  ASSERT_TRUE(log.append(record("request", "r2", "", kT0 + 10s)));
  ASSERT_TRUE(log.append(record("request", "r3", "", kT0 + 1s)));
  ASSERT_TRUE(log.append(record("request", "r4", "", kT0 + 20s)));
  EXPECT_EQ(log.pruneBound(kT0 + 5s, 0)->records, 1);  // r1 only: r2 is young
  EXPECT_EQ(log.pruneBound(std::nullopt, 3)->records, 1);
  EXPECT_EQ(log.pruneBound(std::nullopt, 1)->records, 3);
  EXPECT_EQ(log.pruneBound(std::nullopt, 10)->records, 0);
  EXPECT_EQ(log.pruneBound(kT0 + 5s, 2)->records, 2);  // the larger of both bounds
  EXPECT_EQ(*log.prune(log.pruneBound(std::nullopt, 1)->upTo, 100), 3U);
  ASSERT_EQ(log.query({})->size(), 1U);
  EXPECT_EQ(log.query({})->front().requestId, "r4");
}

TEST(Audit, ADeleteOutsidePruneIsStillRefusedAfterAPrune) {
  TempDir dir;
  auto s = testing::openIn(dir);
  ASSERT_TRUE(s->audit().append(record("request", "r1", "", kT0)));
  ASSERT_TRUE(s->audit().append(record("request", "r2", "", kT0 + 1s)));
  EXPECT_EQ(*s->audit().prune(s->audit().pruneBound(std::nullopt, 1)->upTo, 10), 1U);
  auto conn = sqlite::Connection::open(dir.path() / "keyfed.db", std::chrono::milliseconds{1000});
  ASSERT_TRUE(conn.has_value());
  EXPECT_FALSE((*conn)->exec("DELETE FROM fac_audit").has_value());
  EXPECT_EQ(s->audit().query({})->size(), 1U);
}

TEST(Audit, OversizedOrInvalidFieldsAreRefused) {
  TempDir dir;
  auto s = testing::openIn(dir);
  auto r = record("request", "r1", "", kT0);
  r.detail = std::string(s->limits().auditDetailBytes + 1, 'x');
  EXPECT_EQ(s->audit().append(r).error().code, errc::kInvalid);
  r.detail = "\xff\xfe";
  EXPECT_EQ(s->audit().append(r).error().code, errc::kInvalid);
  r.detail = "";
  r.event = "";
  EXPECT_EQ(s->audit().append(r).error().code, errc::kInvalid);
  EXPECT_TRUE(s->audit().query({})->empty());
}

}  // namespace
}  // namespace keyfed::storage
