// Live policy entries (whitelist, packet and content filter rules) and the
// nonces of FAC requests: persisted, ordered, expired in one step.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

constexpr base::SystemTime kT0 = base::fromUnixSeconds(1'700'000'000);

PolicyEntry entry(PolicyEntryKind kind, std::string spec,
                  std::optional<base::SystemTime> expires = std::nullopt) {
  PolicyEntry e;
  e.kind = kind;
  e.spec = std::move(spec);
  e.origin = "request";
  e.requestId = "r1";
  e.requester = "ed25519-hex:00ff";
  e.created = kT0;
  e.expires = expires;
  return e;
}

TEST(PolicyEntries, AddedEntriesSurviveReopeningInOrder) {
  TempDir dir;
  std::vector<std::int64_t> ids;
  {
    auto s = testing::openIn(dir);
    const std::vector<PolicyEntry> grant = {
        entry(PolicyEntryKind::whitelist, R"({"address":"127.0.40.55"})", kT0 + 60s),
        entry(PolicyEntryKind::packetFilter, R"({"action":"pass"})")};
    auto added = s->policyEntries().add(grant);
    ASSERT_TRUE(added.has_value()) << added.error().describe();
    ids = *added;
    ASSERT_EQ(ids.size(), 2U);
    EXPECT_LT(ids[0], ids[1]);
  }
  auto s = testing::openIn(dir);
  auto all = s->policyEntries().list();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[0].id, ids[0]);
  EXPECT_EQ((*all)[0].kind, PolicyEntryKind::whitelist);
  EXPECT_EQ((*all)[0].spec, R"({"address":"127.0.40.55"})");
  EXPECT_EQ((*all)[0].requester, "ed25519-hex:00ff");
  EXPECT_EQ((*all)[0].created, kT0);
  EXPECT_EQ((*all)[0].expires, kT0 + 60s);
  EXPECT_EQ((*all)[1].kind, PolicyEntryKind::packetFilter);
  EXPECT_FALSE((*all)[1].expires.has_value());
}

TEST(PolicyEntries, RemoveExpiredTakesOnlyWhatIsDue) {
  TempDir dir;
  auto s = testing::openIn(dir);
  const std::vector<PolicyEntry> entries = {
      entry(PolicyEntryKind::whitelist, "{\"a\":1}", kT0 + 10s),
      entry(PolicyEntryKind::whitelist, "{\"a\":2}", kT0 + 20s),
      entry(PolicyEntryKind::contentFilter, "{\"a\":3}")};
  ASSERT_TRUE(s->policyEntries().add(entries).has_value());
  EXPECT_TRUE(s->policyEntries().removeExpired(kT0 + 9s)->empty());
  auto due = s->policyEntries().removeExpired(kT0 + 10s);
  ASSERT_TRUE(due.has_value());
  ASSERT_EQ(due->size(), 1U);
  EXPECT_EQ((*due)[0].spec, "{\"a\":1}");
  EXPECT_EQ(s->policyEntries().list()->size(), 2U);
  EXPECT_EQ(s->policyEntries().removeExpired(kT0 + 1h)->size(), 1U);
  ASSERT_EQ(s->policyEntries().list()->size(), 1U);  // the one without expiry stays
}

TEST(PolicyEntries, RemoveSaysWhetherTheEntryExisted) {
  TempDir dir;
  auto s = testing::openIn(dir);
  const std::vector<PolicyEntry> one = {entry(PolicyEntryKind::whitelist, "{}")};
  auto ids = s->policyEntries().add(one);
  ASSERT_TRUE(ids.has_value());
  EXPECT_TRUE(*s->policyEntries().remove((*ids)[0]));
  EXPECT_FALSE(*s->policyEntries().remove((*ids)[0]));
  EXPECT_TRUE(s->policyEntries().list()->empty());
}

TEST(PolicyEntries, InvalidOrTooManyEntriesAddNothing) {
  TempDir dir;
  Limits limits;
  limits.policyEntries = 2;
  auto s = testing::openIn(dir, limits);
  const std::vector<PolicyEntry> bad = {entry(PolicyEntryKind::whitelist, "{}"),
                                        entry(PolicyEntryKind::whitelist, "")};
  EXPECT_EQ(s->policyEntries().add(bad).error().code, errc::kInvalid);
  const std::vector<PolicyEntry> three = {entry(PolicyEntryKind::whitelist, "{}"),
                                          entry(PolicyEntryKind::whitelist, "{}"),
                                          entry(PolicyEntryKind::whitelist, "{}")};
  EXPECT_EQ(s->policyEntries().add(three).error().code, errc::kQuota);
  EXPECT_TRUE(s->policyEntries().list()->empty());
  PolicyEntry huge =
      entry(PolicyEntryKind::whitelist, std::string(limits.policySpecBytes + 1, 'x'));
  EXPECT_EQ(s->policyEntries().add(std::span(&huge, 1)).error().code, errc::kInvalid);
}

TEST(Nonces, ASecondUseWithinTheWindowIsAReplay) {
  TempDir dir;
  auto s = testing::openIn(dir);
  auto& n = s->nonces();
  EXPECT_TRUE(*n.remember("key-a", "n1", kT0 + 300s, kT0));
  EXPECT_FALSE(*n.remember("key-a", "n1", kT0 + 400s, kT0 + 10s));
  EXPECT_TRUE(*n.remember("key-b", "n1", kT0 + 300s, kT0));         // per principal
  EXPECT_TRUE(*n.remember("key-a", "n1", kT0 + 700s, kT0 + 300s));  // forgotten after expiry
}

TEST(Nonces, SurviveRestartAndAreBounded) {
  TempDir dir;
  Limits limits;
  limits.noncesHeld = 2;
  {
    auto s = testing::openIn(dir, limits);
    EXPECT_TRUE(*s->nonces().remember("k", "n1", kT0 + 300s, kT0));
  }
  auto s = testing::openIn(dir, limits);
  EXPECT_FALSE(*s->nonces().remember("k", "n1", kT0 + 300s, kT0 + 1s));
  EXPECT_TRUE(*s->nonces().remember("k", "n2", kT0 + 300s, kT0 + 1s));
  EXPECT_EQ(s->nonces().remember("k", "n3", kT0 + 300s, kT0 + 1s).error().code, errc::kQuota);
  EXPECT_TRUE(*s->nonces().remember("k", "n3", kT0 + 900s, kT0 + 300s));  // expired ones make room
  EXPECT_EQ(s->nonces().remember("k", "", kT0, kT0).error().code, errc::kInvalid);
}

}  // namespace
}  // namespace keyfed::storage
