// The member's decider (levels -> the local KeyNote POLICY) and the
// clearinghouse's community decider.

#include "keyfed/clearinghouse/deciders.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::clearinghouse {
namespace {

using testing::key;
using testing::kT0;
using testing::peer;

std::shared_ptr<MemberView> view(int minimumLevel, StaleMode stale = StaleMode::failClosed) {
  auto v = std::make_shared<MemberView>();
  v->config.clearinghouse = "ch.test";
  v->config.publicKey = key("ch").publicKey;
  v->config.stale = stale;
  v->config.policyAssertions = {testing::minimumLevelPolicy(minimumLevel)};
  v->table = testing::table(4, {{"l1.test", 1, {}, std::nullopt},
                                {"l2.test", 2, {}, std::nullopt},
                                {"l3.test", 3, {}, std::nullopt},
                                {"pinned.test", 5, {"127.0.0.9"}, std::nullopt},
                                {"temp.test", 5, {}, kT0 + 100}});
  return v;
}

policy::Decision decide(const std::shared_ptr<MemberView>& v, const std::string& domain,
                        std::int64_t at = kT0 + 1, const std::string& address = "127.0.0.9") {
  return MemberDecider(v).decideStream(peer(domain, address, at));
}

TEST(MemberDecider, TheLocalPolicyDecidesOnThePeersLevel) {
  auto v = view(3);
  EXPECT_TRUE(decide(v, "l3.test").allowed());
  const auto refused = decide(v, "l2.test");
  EXPECT_EQ(refused.verdict, policy::Verdict::deny);
  EXPECT_NE(refused.reason.find("l2.test has level 2 in ch.test's table v4"), std::string::npos)
      << refused.reason;
  EXPECT_EQ(decide(v, "l1.test").verdict, policy::Verdict::deny);
  // No row: level 0.
  EXPECT_NE(decide(v, "stranger.test").reason.find("level 0"), std::string::npos);
  EXPECT_TRUE(decide(view(0), "stranger.test").allowed());
  EXPECT_TRUE(decide(view(2), "l2.test").allowed());
}

TEST(MemberDecider, RowAddressesAndExpiryCount) {
  auto v = view(3);
  EXPECT_TRUE(decide(v, "pinned.test", kT0 + 1, "127.0.0.9").allowed());
  EXPECT_EQ(decide(v, "pinned.test", kT0 + 1, "127.0.0.8").verdict, policy::Verdict::deny);
  EXPECT_TRUE(decide(v, "temp.test", kT0 + 99).allowed());
  EXPECT_EQ(decide(v, "temp.test", kT0 + 100).verdict, policy::Verdict::deny);
}

TEST(MemberDecider, TheClearinghouseIsAlwaysAllowed) {
  auto v = view(3);
  v->table.reset();
  EXPECT_TRUE(decide(v, "ch.test").allowed());
  const auto waiting = decide(v, "l3.test");
  EXPECT_EQ(waiting.verdict, policy::Verdict::deny);
  EXPECT_NE(waiting.reason.find("no table"), std::string::npos);
}

TEST(MemberDecider, AStaleTableFailsClosedOrIsKeptAsConfigured) {
  const std::int64_t later = kT0 + 3600;
  const auto closed = decide(view(3, StaleMode::failClosed), "l3.test", later);
  EXPECT_EQ(closed.verdict, policy::Verdict::deny);
  EXPECT_NE(closed.reason.find("expired"), std::string::npos);
  EXPECT_TRUE(decide(view(3, StaleMode::failClosed), "ch.test", later).allowed());
  const auto kept = decide(view(3, StaleMode::keepLastAndWarn), "l3.test", later);
  EXPECT_TRUE(kept.allowed());
  EXPECT_NE(kept.reason.find("stale"), std::string::npos);
}

TEST(MemberDecider, APolicyMayNameTheClearinghouseKeyAsLicensee) {
  auto v = view(3);
  v->config.policyAssertions = {"KeyNote-Version: 2\nAuthorizer: \"POLICY\"\nLicensees: \"" +
                                key("ch").publicKey +
                                "\"\nConditions: @Peer_Level >= 2 && Direction == \"outbound\" "
                                "-> \"true\";\n"};
  EXPECT_TRUE(decide(v, "l2.test").allowed());
  v->config.policyAssertions = {"KeyNote-Version: 2\nAuthorizer: \"POLICY\"\nLicensees: \"" +
                                key("rogue").publicKey +
                                "\"\nConditions: @Peer_Level >= 2 -> "
                                "\"true\";\n"};
  EXPECT_EQ(decide(v, "l2.test").verdict, policy::Verdict::deny);
}

TEST(CommunityDecider, MembersInForceAreAllowedOthersAbstain) {
  auto table = std::make_shared<CommunityTable>();
  table->rows = {{"m1.test", 1, {}, std::nullopt, {}, {}},
                 {"m2.test", 3, {}, base::fromUnixSeconds(kT0 + 10), {}, {}}};
  CommunityDecider decider(table);
  EXPECT_TRUE(decider.decideStream(peer("m1.test", "127.0.0.1", kT0)).allowed());
  EXPECT_TRUE(decider.decideStream(peer("m2.test", "127.0.0.1", kT0 + 9)).allowed());
  EXPECT_EQ(decider.decideStream(peer("m2.test", "127.0.0.1", kT0 + 10)).verdict,
            policy::Verdict::abstain);
  EXPECT_EQ(decider.decideStream(peer("x.test", "127.0.0.1", kT0)).verdict,
            policy::Verdict::abstain);
}

}  // namespace
}  // namespace keyfed::clearinghouse
