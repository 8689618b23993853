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
