// The clearinghouse role in a server: edits publish signed versions that
// only go up, members subscribe and fetch, each change reaches subscribers.

#include "keyfed/clearinghouse/publisher.hpp"

#include <gtest/gtest.h>

#include "keyfed/clearinghouse/pubsub.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "test_support.hpp"

namespace keyfed::clearinghouse {
namespace {

using testing::key;
using testing::peer;

class PublisherTest : public testing::ModuleFixture {
 protected:
  void SetUp() override {
    const ClearinghouseConfig config = roleConfig();
    startServer({"ch.test"}, &config, nullptr);
    ASSERT_NE(module_->publisher(), nullptr);
  }
  Publisher& publisher() { return *module_->publisher(); }

  static storage::CommunityRow row(std::string domain, std::int64_t level) {
    storage::CommunityRow r;
    r.domain = std::move(domain);
    r.level = level;
    return r;
  }

  TableDocument published() {
    auto parsed = parseDocument(publisher().document());
    EXPECT_TRUE(parsed.has_value());
    EXPECT_TRUE(verifyDocument(*parsed, {"ch.test", key("ch").publicKey}).has_value());
    return parsed ? *parsed : TableDocument{};
  }

  // An iq from `from` to the service; returns the answer sent back.
  xml::Element ask(xml::Element iq) {
    server_->poll();  // notifications of earlier edits go first
    sent_.clear();
    receive(std::move(iq));
    EXPECT_EQ(sent_.size(), 1U);
    return sent_.empty() ? xml::Element() : sent_.back().clone();
  }
};

TEST_F(PublisherTest, EveryEditPublishesAHigherSignedVersionAndIsAudited) {
  EXPECT_EQ(publisher().version(), 1) << "an empty table is published at start";
  ASSERT_TRUE(publisher().set(row("m1.test", 3), "admin").has_value());
  EXPECT_EQ(publisher().version(), 2);
  ASSERT_TRUE(publisher().set(row("m2.test", 2), "admin").has_value());
  ASSERT_TRUE(publisher().set(row("m1.test", 1), "admin").has_value());
  EXPECT_EQ(publisher().version(), 4);
  TableDocument d = published();
  ASSERT_EQ(d.rows.size(), 2U);
  EXPECT_EQ(d.rows[0].domain, "m1.test");
  EXPECT_EQ(d.rows[0].level, 1);
  EXPECT_EQ(d.expires - d.issued, 3600);
  ASSERT_TRUE(*publisher().remove("m2.test", "admin"));
  EXPECT_FALSE(*publisher().remove("m2.test", "admin"));
  EXPECT_EQ(publisher().version(), 5);
  EXPECT_EQ(published().rows.size(), 1U);
  EXPECT_EQ(auditOf("clearinghouse-set").size(), 3U);
  EXPECT_EQ(auditOf("clearinghouse-remove").size(), 1U);
  EXPECT_EQ(auditOf("table-published").size(), 5U);
  EXPECT_FALSE(publisher().set(row("Not A Domain", 1), "admin").has_value());
  EXPECT_FALSE(publisher().set(row("m3.test", 1001), "admin").has_value());
}

TEST_F(PublisherTest, ARestartedClearinghouseContinuesAboveItsLastVersion) {
  ASSERT_TRUE(publisher().set(row("m1.test", 3), "admin").has_value());
  Publisher again(*server_->server, roleConfig());
  ASSERT_TRUE(again.start().has_value());
  EXPECT_EQ(again.version(), 2) << "the same table, still fresh: not republished";
  Publisher rekeyed(*server_->server, roleConfig("rogue"));
  ASSERT_TRUE(rekeyed.start().has_value());
  EXPECT_EQ(rekeyed.version(), 3) << "another key: published anew, above the last version";
}

TEST_F(PublisherTest, MembersSubscribeFetchAndHearOfEachChange) {
  ASSERT_TRUE(publisher().set(row("m1.test", 3), "admin").has_value());
  const xml::Element subscribed = ask(makeSubscribe("m1.test", "ch.test", "s1"));
  EXPECT_EQ(xmpp::stanzaType(subscribed), "result");
  EXPECT_EQ(*server_->storage->clearinghouse().subscribers(), std::vector<std::string>{"m1.test"});
  const xml::Element items = ask(makeItemsRequest("m1.test", "ch.test", "i1"));
  EXPECT_EQ(itemDocument(items), publisher().document());

  sent_.clear();
  ASSERT_TRUE(publisher().set(row("m2.test", 2), "admin").has_value());
  server_->poll();
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_EQ(sent_[0].name(), "message");
  EXPECT_EQ(sent_[0].attr("to"), "m1.test");
  EXPECT_EQ(itemDocument(sent_[0]), publisher().document());

  // Removed from the table: no more notifications, no more fetching.
  ASSERT_TRUE(*publisher().remove("m1.test", "admin"));
  sent_.clear();
  ASSERT_TRUE(publisher().set(row("m2.test", 3), "admin").has_value());
  server_->poll();
  EXPECT_TRUE(sent_.empty());
  const xml::Element refused = ask(makeItemsRequest("m1.test", "ch.test", "i2"));
  EXPECT_EQ(xmpp::stanzaType(refused), "error");
}

TEST_F(PublisherTest, OutsidersAndUsersCannotSubscribe) {
  ASSERT_TRUE(publisher().set(row("m1.test", 3), "admin").has_value());
  const xml::Element outsider = ask(makeSubscribe("x.test", "ch.test", "s1"));
  EXPECT_EQ(xmpp::stanzaType(outsider), "error");
  auto error = xmpp::parseStanzaError(outsider);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->condition, xmpp::StanzaErrorCondition::notAllowed);
  xml::Element user = makeSubscribe("someone@m1.test", "ch.test", "s2");
  EXPECT_EQ(xmpp::stanzaType(ask(std::move(user))), "error");
  xml::Element forOther = makeSubscribe("m1.test", "ch.test", "s3");
  forOther.children().begin()->children().begin()->setAttr("jid", "m2.test");
  EXPECT_EQ(xmpp::stanzaType(ask(std::move(forOther))), "error");
  EXPECT_TRUE(server_->storage->clearinghouse().subscribers()->empty());
}

TEST_F(PublisherTest, MembersMayFederateWithTheClearinghouse) {
  ASSERT_TRUE(publisher().set(row("m1.test", 1), "admin").has_value());
  const auto now = base::unixSeconds(server_->clock.now());
  EXPECT_TRUE(server_->server->policy().decideStream(peer("m1.test", "127.0.0.1", now)).allowed());
  EXPECT_FALSE(server_->server->policy().decideStream(peer("x.test", "127.0.0.1", now)).allowed());
}

}  // namespace
}  // namespace keyfed::clearinghouse
