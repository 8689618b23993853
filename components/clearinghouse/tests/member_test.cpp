// The member role in a server: accepting pushed and fetched tables, refusing
// forgeries, replays and stale tables, storing what it accepts, and telling
// the policy point.

#include "keyfed/clearinghouse/member.hpp"

#include <gtest/gtest.h>

#include "keyfed/clearinghouse/pubsub.hpp"
#include "test_support.hpp"

namespace keyfed::clearinghouse {
namespace {

using testing::kT0;
using testing::peer;
using testing::table;

std::vector<Row> rows() {
  return {{"l2.test", 2, {}, std::nullopt}, {"l3.test", 3, {}, std::nullopt}};
}

class MemberTest : public testing::ModuleFixture {
 protected:
  void SetUp() override {
    const MemberConfig config = memberConfig(3);
    startServer({"m1.test"}, nullptr, &config);
    ASSERT_NE(module_->member(), nullptr);
  }
  Member& member() { return *module_->member(); }
  bool allowed(const std::string& domain) {
    return server_->server->policy()
        .decideStream(peer(domain, "127.0.0.1", base::unixSeconds(server_->clock.now())))
        .allowed();
  }
};

TEST_F(MemberTest, AtStartItSubscribesAndFetchesFromItsServerJid) {
  ASSERT_EQ(sent_.size(), 2U);
  EXPECT_EQ(sent_[0].attr("to"), "ch.test");
  EXPECT_EQ(sent_[0].attr("from"), "m1.test");
  EXPECT_EQ(readRequest(sent_[0]).kind, PubsubRequest::Kind::subscribe);
  EXPECT_EQ(readRequest(sent_[1]).kind, PubsubRequest::Kind::items);
  EXPECT_FALSE(allowed("l3.test")) << "no table yet: closed";
  EXPECT_TRUE(allowed("ch.test"));
}

TEST_F(MemberTest, AFetchedTableIsStoredAndDecides) {
  const auto generation = server_->server->policy().generation();
  xml::Element answer = makeItemsResult(sent_[1], 3, toJson(table(3, rows())));
  answer.setAttr("from", "ch.test").setAttr("to", "m1.test");
  receive(std::move(answer));
  ASSERT_TRUE(member().table().has_value());
  EXPECT_EQ(member().table()->version, 3);
  EXPECT_GT(server_->server->policy().generation(), generation);
  EXPECT_TRUE(allowed("l3.test"));
  EXPECT_FALSE(allowed("l2.test"));
  auto stored = server_->storage->clearinghouse().document("member");
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->version, 3);
  ASSERT_EQ(auditOf("table-accepted").size(), 1U);
  EXPECT_EQ(auditOf("table-accepted")[0].peer, "fetch");
}

TEST_F(MemberTest, APushedTableReplacesTheHeldOneAndLowersALevel) {
  receive(makeNotification("ch.test", "m1.test", 3, toJson(table(3, rows()))));
  EXPECT_TRUE(allowed("l3.test"));
  receive(makeNotification("ch.test", "m1.test", 4,
                           toJson(table(4, {{"l3.test", 2, {}, std::nullopt}}))));
  EXPECT_EQ(member().table()->version, 4);
  EXPECT_FALSE(allowed("l3.test"));
}

TEST_F(MemberTest, ANotificationFromAnyoneElseIsIgnored) {
  receive(makeNotification("rogue.test", "m1.test", 3, toJson(table(3, rows()))));
  EXPECT_FALSE(member().table().has_value());
}

TEST_F(MemberTest, ForgeriesReplaysAndStaleTablesAreRefusedAndAudited) {
  ASSERT_TRUE(member().accept(toJson(table(5, rows())), "admin").has_value());
  auto forged = member().accept(toJson(table(6, rows(), kT0, 3600, "rogue")), "pubsub");
  EXPECT_EQ(forged.error().code, errc::kSigner);
  auto lower = member().accept(toJson(table(4, rows())), "pubsub");
  EXPECT_EQ(lower.error().code, errc::kReplay);
  auto sameVersionOtherRows = member().accept(toJson(table(5, {})), "pubsub");
  EXPECT_EQ(sameVersionOtherRows.error().code, errc::kReplay);
  auto same = member().accept(toJson(table(5, rows())), "fetch");
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(*same, Acceptance::unchanged);
  auto stale = member().accept(toJson(table(6, rows(), kT0 - 7200, 3600)), "pubsub");
  EXPECT_EQ(stale.error().code, errc::kExpired);
  EXPECT_EQ(member().accept("{\"version\":9}", "pubsub").error().code, errc::kMalformed);
  EXPECT_EQ(member().table()->version, 5);
  EXPECT_EQ(auditOf("table-refused").size(), 5U);
}

TEST_F(MemberTest, AStaleTableClosesUnlessConfiguredToBeKept) {
  ASSERT_TRUE(member().accept(toJson(table(5, rows())), "admin").has_value());
  server_->clock.setWall(base::fromUnixSeconds(kT0 + 3600));
  EXPECT_TRUE(member().stale());
  EXPECT_FALSE(allowed("l3.test"));
  MemberConfig keep = memberConfig(3, StaleMode::keepLastAndWarn);
  member().reconfigure(keep);
  EXPECT_TRUE(allowed("l3.test"));
  EXPECT_FALSE(allowed("l2.test"));
}

TEST_F(MemberTest, ANewKeyInTheConfigDisownsTheHeldTable) {
  ASSERT_TRUE(member().accept(toJson(table(5, rows())), "admin").has_value());
  MemberConfig rotated = memberConfig(3);
  rotated.publicKey = testing::key("rogue").publicKey;
  member().reconfigure(rotated);
  EXPECT_FALSE(member().table().has_value());
  EXPECT_FALSE(allowed("l3.test"));
}

}  // namespace
}  // namespace keyfed::clearinghouse
