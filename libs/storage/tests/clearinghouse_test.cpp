// The clearinghouse's stores: community rows, node subscribers, and table
// documents whose version only goes up.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

constexpr base::SystemTime kT0 = base::fromUnixSeconds(1'700'000'000);

CommunityRow row(std::string domain, std::int64_t level, std::vector<std::string> addresses = {},
                 std::optional<base::SystemTime> expires = std::nullopt) {
  return CommunityRow{std::move(domain), level, std::move(addresses), expires, kT0, {}};
}

TEST(CommunityRows, PutReplacesAndSurvivesReopening) {
  TempDir dir;
  {
    auto s = testing::openIn(dir);
    auto& ch = s->clearinghouse();
    ASSERT_TRUE(ch.putRow(row("b.test", 2)).has_value());
    ASSERT_TRUE(ch.putRow(row("a.test", 3, {"127.0.0.1", "::1/128"}, kT0 + 60s)).has_value());
    ASSERT_TRUE(ch.putRow(row("b.test", 1)).has_value());
  }
  auto s = testing::openIn(dir);
  auto rows = s->clearinghouse().rows();
  ASSERT_TRUE(rows.has_value()) << rows.error().describe();
  ASSERT_EQ(rows->size(), 2U);
  EXPECT_EQ((*rows)[0].domain, "a.test");
  EXPECT_EQ((*rows)[0].level, 3);
  EXPECT_EQ((*rows)[0].addresses, (std::vector<std::string>{"127.0.0.1", "::1/128"}));
  EXPECT_EQ((*rows)[0].expires, kT0 + 60s);
  EXPECT_EQ((*rows)[1].domain, "b.test");
  EXPECT_EQ((*rows)[1].level, 1);
  EXPECT_TRUE((*rows)[1].addresses.empty());
  EXPECT_FALSE((*rows)[1].expires.has_value());
  EXPECT_TRUE(*s->clearinghouse().removeRow("b.test"));
  EXPECT_FALSE(*s->clearinghouse().removeRow("b.test"));
  EXPECT_EQ(s->clearinghouse().rows()->size(), 1U);
}

TEST(CommunityRows, KeepTheRedirectLocation) {
  TempDir dir;
  {
    auto s = testing::openIn(dir);
    auto located = row("a.test", 3);
    located.redirectTo = "[2001:db8::7]:5270";
    ASSERT_TRUE(s->clearinghouse().putRow(located).has_value());
    ASSERT_TRUE(s->clearinghouse().putRow(row("b.test", 2)).has_value());
  }
  auto s = testing::openIn(dir);
  auto rows = s->clearinghouse().rows();
  ASSERT_TRUE(rows.has_value()) << rows.error().describe();
  ASSERT_EQ(rows->size(), 2U);
  EXPECT_EQ((*rows)[0].redirectTo, "[2001:db8::7]:5270");
  EXPECT_EQ((*rows)[1].redirectTo, "");
  auto bad = row("c.test", 1);
  bad.redirectTo = "192.0.2.7:5269\n";
  EXPECT_EQ(s->clearinghouse().putRow(bad).error().code, errc::kInvalid);
}

TEST(CommunityRows, BadRowsAndTheRowLimitAreRefused) {
  TempDir dir;
  Limits limits;
  limits.communityRows = 2;
  limits.rowAddresses = 1;
  auto s = testing::openIn(dir, limits);
  auto& ch = s->clearinghouse();
  EXPECT_EQ(ch.putRow(row("", 1)).error().code, errc::kInvalid);
  EXPECT_EQ(ch.putRow(row("a.test", 1, {"1.2.3.4", "5.6.7.8"})).error().code, errc::kInvalid);
  EXPECT_EQ(ch.putRow(row("a.test", 1, {"1.2.3.4 5.6.7.8"})).error().code, errc::kInvalid);
  ASSERT_TRUE(ch.putRow(row("a.test", 1)).has_value());
  ASSERT_TRUE(ch.putRow(row("b.test", 1)).has_value());
  EXPECT_EQ(ch.putRow(row("c.test", 1)).error().code, errc::kQuota);
  EXPECT_TRUE(ch.putRow(row("b.test", 5)).has_value()) << "replacing a row is not a new row";
}

TEST(CommunitySubscribers, AddedOnceRemovedOnce) {
  TempDir dir;
  auto s = testing::openIn(dir);
  auto& ch = s->clearinghouse();
  ASSERT_TRUE(ch.addSubscriber("m2.test").has_value());
  ASSERT_TRUE(ch.addSubscriber("m1.test").has_value());
  ASSERT_TRUE(ch.addSubscriber("m1.test").has_value());
  EXPECT_EQ(*ch.subscribers(), (std::vector<std::string>{"m1.test", "m2.test"}));
  EXPECT_TRUE(*ch.removeSubscriber("m1.test"));
  EXPECT_FALSE(*ch.removeSubscriber("m1.test"));
  EXPECT_EQ(*ch.subscribers(), (std::vector<std::string>{"m2.test"}));
}

TEST(TableDocuments, OnlyAHigherVersionReplacesTheStoredOne) {
  TempDir dir;
  {
    auto s = testing::openIn(dir);
    auto& ch = s->clearinghouse();
    EXPECT_FALSE(ch.document("member")->has_value());
    EXPECT_TRUE(*ch.storeDocument("member", {5, "{\"v\":5}", kT0}));
    EXPECT_FALSE(*ch.storeDocument("member", {5, "{\"v\":\"other 5\"}", kT0}));
    EXPECT_FALSE(*ch.storeDocument("member", {4, "{\"v\":4}", kT0}));
    EXPECT_TRUE(*ch.storeDocument("published", {1, "{\"v\":1}", kT0}));
    EXPECT_EQ(ch.storeDocument("member", {0, "x", kT0}).error().code, errc::kInvalid);
  }
  auto s = testing::openIn(dir);
  auto member = s->clearinghouse().document("member");
  ASSERT_TRUE(member.has_value() && member->has_value());
  EXPECT_EQ((*member)->version, 5);
  EXPECT_EQ((*member)->text, "{\"v\":5}");
  EXPECT_EQ((*member)->stored, kT0);
  EXPECT_TRUE(*s->clearinghouse().storeDocument("member", {6, "{\"v\":6}", kT0}));
  EXPECT_EQ((*s->clearinghouse().document("member"))->version, 6);
}

}  // namespace
}  // namespace keyfed::storage
