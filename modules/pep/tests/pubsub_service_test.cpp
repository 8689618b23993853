// The pubsub core over real SQLite: publish with auto-create and
// publish-options, access models, max_items eviction, retract, configure,
// and the hard limits.
#include "pubsub_fixture.hpp"

namespace keyfed::modules::pep {
namespace {

TEST_F(PubsubServiceTest, PublishCreatesTheNodeAndNotifiesWithThePayload) {
  auto out = run(
      publishIq("urn:xmpp:avatar:metadata", "a1", "<metadata xmlns='urn:xmpp:avatar:metadata'/>"));
  EXPECT_EQ(xmpp::stanzaType(out.reply), "result");
  const auto* publish =
      out.reply.child("pubsub", xmpp::ns::pubsub)->child("publish", xmpp::ns::pubsub);
  EXPECT_EQ(publish->child("item", xmpp::ns::pubsub)->attr("id"), "a1");
  ASSERT_TRUE(out.notification);
  EXPECT_EQ(out.notification->config.accessModel, AccessModel::presence);
  const auto* items = out.notification->event.child("items", xmpp::ns::pubsubEvent);
  const auto* item = items->child("item", xmpp::ns::pubsubEvent);
  EXPECT_EQ(item->attr("id"), "a1");
  EXPECT_NE(item->child("metadata", "urn:xmpp:avatar:metadata"), nullptr);
}

TEST_F(PubsubServiceTest, AnItemWithoutIdGetsOne) {
  auto out = run(publishIq("n", "", "<p xmlns='urn:x'/>"));
  const auto id = out.reply.child("pubsub", xmpp::ns::pubsub)
                      ->child("publish", xmpp::ns::pubsub)
                      ->child("item", xmpp::ns::pubsub)
                      ->attr("id");
  EXPECT_EQ(id.size(), 16U);
}

TEST_F(PubsubServiceTest, PublishOptionsCreateTheNodeThenMustMatchIt) {
  auto first = run(publishIq("eu.siacs.conversations.axolotl.devicelist", "current",
                             "<list xmlns='eu.siacs.conversations.axolotl'/>",
                             options({{"pubsub#access_model", "open"}})));
  EXPECT_EQ(xmpp::stanzaType(first.reply), "result");
  EXPECT_EQ(first.notification->config.accessModel, AccessModel::open);
  // Same options: fine. Different: precondition-not-met, nothing stored.
  auto same = run(publishIq("eu.siacs.conversations.axolotl.devicelist", "current",
                            "<list xmlns='eu.siacs.conversations.axolotl'/>",
                            options({{"pubsub#access_model", "open"}})));
  EXPECT_EQ(xmpp::stanzaType(same.reply), "result");
  auto other = run(publishIq("eu.siacs.conversations.axolotl.devicelist", "x",
                             "<list xmlns='eu.siacs.conversations.axolotl'/>",
                             options({{"pubsub#access_model", "whitelist"}})));
  EXPECT_EQ(errorOf(other.reply),
            (std::pair<std::string, std::string>{"conflict", "precondition-not-met"}));
  EXPECT_FALSE(other.notification);
  EXPECT_EQ(itemIds(run(itemsIq("eu.siacs.conversations.axolotl.devicelist")).reply),
            std::vector<std::string>{"current"});
  // Options the node cannot take at creation are refused the same way.
  auto bad =
      run(publishIq("fresh", "1", "<p xmlns='urn:x'/>", options({{"pubsub#max_items", "6"}})));
  EXPECT_EQ(errorOf(bad.reply).second, "precondition-not-met");
}

TEST_F(PubsubServiceTest, AccessModelsDecideWhoMayRetrieve) {
  run(publishIq("presence-node", "1", "<p xmlns='urn:x'/>"));
  run(publishIq("open-node", "1", "<p xmlns='urn:x'/>",
                options({{"pubsub#access_model", "open"}})));
  run(publishIq("urn:xmpp:bookmarks:1", "room@muc.example.test",
                "<conference xmlns='urn:xmpp:bookmarks:1'/>",
                options({{"pubsub#access_model", "whitelist"}, {"pubsub#max_items", "max"}})));

  EXPECT_EQ(itemIds(run(itemsIq("open-node"), Relation::stranger).reply).size(), 1U);
  EXPECT_EQ(itemIds(run(itemsIq("presence-node"), Relation::subscriber).reply).size(), 1U);
  EXPECT_EQ(
      errorOf(run(itemsIq("presence-node"), Relation::stranger).reply),
      (std::pair<std::string, std::string>{"not-authorized", "presence-subscription-required"}));
  EXPECT_EQ(errorOf(run(itemsIq("urn:xmpp:bookmarks:1"), Relation::subscriber).reply),
            (std::pair<std::string, std::string>{"not-allowed", "closed-node"}));
  EXPECT_EQ(itemIds(run(itemsIq("urn:xmpp:bookmarks:1"), Relation::owner).reply).size(), 1U);
  EXPECT_EQ(errorOf(run(itemsIq("missing"), Relation::owner).reply).first, "item-not-found");
  // Only the owner writes.
  EXPECT_EQ(
      errorOf(run(publishIq("open-node", "2", "<p xmlns='urn:x'/>"), Relation::subscriber).reply)
          .first,
      "forbidden");
}

TEST_F(PubsubServiceTest, MaxItemsEvictsTheOldestAndItemsComeOldestFirst) {
  auto opts = options({{"pubsub#max_items", "3"}});
  for (const char* id : {"a", "b", "c", "d"}) run(publishIq("n", id, "<p xmlns='urn:x'/>", opts));
  EXPECT_EQ(itemIds(run(itemsIq("n")).reply), (std::vector<std::string>{"b", "c", "d"}));
  // Republishing an id makes it the newest.
  run(publishIq("n", "b", "<p xmlns='urn:x'/>", opts));
  EXPECT_EQ(itemIds(run(itemsIq("n")).reply), (std::vector<std::string>{"c", "d", "b"}));
  auto last = parse("<iq xmlns='jabber:client' type='get' id='i'><pubsub xmlns='" + pubsubNs() +
                    "'><items node='n' max_items='1'/></pubsub></iq>");
  EXPECT_EQ(itemIds(run(last).reply), std::vector<std::string>{"b"});
  EXPECT_EQ(itemIds(run(itemsIq("n", "<item id='c'/><item id='zz'/>")).reply),
            std::vector<std::string>{"c"});
  // "max" is the server's limit (5 here).
  auto maxed = options({{"pubsub#max_items", "max"}});
  for (const char* id : {"1", "2", "3", "4", "5", "6", "7"})
    run(publishIq("m", id, "<p xmlns='urn:x'/>", maxed));
  EXPECT_EQ(itemIds(run(itemsIq("m")).reply).size(), 5U);
}

TEST_F(PubsubServiceTest, RetractRemovesAndNotifiesUnlessAskedNotTo) {
  run(publishIq("n", "a", "<p xmlns='urn:x'/>", options({{"pubsub#max_items", "5"}})));
  run(publishIq("n", "b", "<p xmlns='urn:x'/>", options({{"pubsub#max_items", "5"}})));
  auto retract = [&](std::string_view id, std::string_view notify) {
    return run(parse("<iq xmlns='jabber:client' type='set' id='r'><pubsub xmlns='" + pubsubNs() +
                     "'><retract node='n'" + std::string(notify) + "><item id='" + std::string(id) +
                     "'/></retract></pubsub></iq>"));
  };
  auto out = retract("a", "");
  EXPECT_EQ(xmpp::stanzaType(out.reply), "result");
  ASSERT_TRUE(out.notification);
  const auto* r = out.notification->event.child("items", xmpp::ns::pubsubEvent)
                      ->child("retract", xmpp::ns::pubsubEvent);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->attr("id"), "a");
  EXPECT_EQ(errorOf(retract("a", "").reply).first, "item-not-found");
  EXPECT_FALSE(retract("b", " notify='false'").notification);
  EXPECT_TRUE(itemIds(run(itemsIq("n")).reply).empty());
}

TEST_F(PubsubServiceTest, LimitsOnPayloadAndNodeCount) {
  auto big = run(publishIq("n", "1", "<p xmlns='urn:x'>" + std::string(3000, 'x') + "</p>"));
  EXPECT_EQ(errorOf(big.reply),
            (std::pair<std::string, std::string>{"not-acceptable", "payload-too-big"}));
  for (const char* node : {"n1", "n2", "n3"}) {
    EXPECT_EQ(xmpp::stanzaType(run(publishIq(node, "1", "<p xmlns='urn:x'/>")).reply), "result");
  }
  auto fourth = run(publishIq("n4", "1", "<p xmlns='urn:x'/>"));
  EXPECT_EQ(errorOf(fourth.reply),
            (std::pair<std::string, std::string>{"not-allowed", "max-nodes-exceeded"}));
  // Two payloads in one item are refused.
  EXPECT_EQ(errorOf(run(publishIq("n1", "2", "<p xmlns='urn:x'/><q xmlns='urn:x'/>")).reply).second,
            "invalid-payload");
}

TEST_F(PubsubServiceTest, TheOwnerConfiguresAndDeletesNodes) {
  run(publishIq("n", "a", "<p xmlns='urn:x'/>", options({{"pubsub#max_items", "5"}})));
  run(publishIq("n", "b", "<p xmlns='urn:x'/>", options({{"pubsub#max_items", "5"}})));
  const std::string owner(xmpp::ns::pubsubOwner);
  auto get = run(parse("<iq xmlns='jabber:client' type='get' id='c'><pubsub xmlns='" + owner +
                       "'><configure node='n'/></pubsub></iq>"));
  ASSERT_EQ(xmpp::stanzaType(get.reply), "result");
  EXPECT_NE(
      get.reply.child("pubsub", owner)->child("configure", owner)->child("x", xmpp::ns::dataForms),
      nullptr);
  auto set = parse(
      "<iq xmlns='jabber:client' type='set' id='c'><pubsub xmlns='" + owner +
      "'><configure node='n'><x xmlns='jabber:x:data' type='submit'>"
      "<field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
      "<field var='pubsub#max_items'><value>1</value></field>"
      "<field var='pubsub#access_model'><value>open</value></field>"
      "</x></configure></pubsub></iq>");
  EXPECT_EQ(errorOf(run(set, Relation::subscriber).reply).first, "forbidden");
  EXPECT_EQ(xmpp::stanzaType(run(set).reply), "result");
  EXPECT_EQ(itemIds(run(itemsIq("n"), Relation::stranger).reply), std::vector<std::string>{"b"});

  auto del = parse("<iq xmlns='jabber:client' type='set' id='d'><pubsub xmlns='" + owner +
                   "'><delete node='n'/></pubsub></iq>");
  auto deleted = run(del);
  EXPECT_EQ(xmpp::stanzaType(deleted.reply), "result");
  ASSERT_TRUE(deleted.notification);
  EXPECT_NE(deleted.notification->event.child("delete", xmpp::ns::pubsubEvent), nullptr);
  EXPECT_EQ(errorOf(run(itemsIq("n")).reply).first, "item-not-found");
  EXPECT_EQ(errorOf(run(del).reply).first, "item-not-found");
}

TEST_F(PubsubServiceTest, TheOwnerCannotChangeSubscriptionsOrAffiliations) {
  run(publishIq("n", "a", "<p xmlns='urn:x'/>"));
  const std::string owner(xmpp::ns::pubsubOwner);
  for (const char* what : {"subscriptions", "affiliations"}) {
    auto set = parse("<iq xmlns='jabber:client' type='set' id='m'><pubsub xmlns='" + owner + "'><" +
                     what + " node='n'/></pubsub></iq>");
    EXPECT_EQ(errorOf(run(set).reply),
              (std::pair<std::string, std::string>{"feature-not-implemented", "unsupported"}));
  }
}

TEST_F(PubsubServiceTest, AccountRemovalRemovesNodesAndItems) {
  run(publishIq("n", "a", "<p xmlns='urn:x'/>"));
  ASSERT_TRUE(ts.storage->accounts().remove("alice", "example.test"));
  ts.addUser("alice", "example.test");
  auto nodes = ts.storage->pep().nodes("alice", "example.test");
  ASSERT_TRUE(nodes);
  EXPECT_TRUE(nodes->empty());
}

}  // namespace
}  // namespace keyfed::modules::pep
