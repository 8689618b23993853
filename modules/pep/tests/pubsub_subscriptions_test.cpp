// Explicit subscriptions and affiliations in the pubsub core, over real
// SQLite: subscribe and unsubscribe with every refusal XEP-0060 names, the
// access models (roster groups included), the limits, the last item for a
// new subscriber, the lists of subscriptions and affiliations, and node
// deletion taking the subscriptions with it.
#include "pubsub_fixture.hpp"

namespace keyfed::modules::pep {
namespace {

using Error = std::pair<std::string, std::string>;

xml::Element subscribeIq(std::string_view node, std::string_view jid,
                         std::string_view op = "subscribe") {
  std::string attrs;
  if (!node.empty()) attrs += " node='" + std::string(node) + "'";
  if (!jid.empty()) attrs += " jid='" + std::string(jid) + "'";
  return parse("<iq xmlns='jabber:client' type='set' id='s'><pubsub xmlns='" + pubsubNs() + "'><" +
               std::string(op) + attrs + "/></pubsub></iq>");
}

xml::Element listIq(std::string_view ns, std::string_view what, std::string_view node = {}) {
  return parse("<iq xmlns='jabber:client' type='get' id='l'><pubsub xmlns='" + std::string(ns) +
               "'><" + std::string(what) +
               (node.empty() ? std::string() : " node='" + std::string(node) + "'") +
               "/></pubsub></iq>");
}

// (node, jid, subscription or affiliation) of each entry of a list reply.
std::vector<std::string> entries(const xml::Element& reply, std::string_view ns,
                                 std::string_view list, std::string_view entry) {
  std::vector<std::string> out;
  const auto* pubsub = reply.child("pubsub", ns);
  const auto* el = pubsub != nullptr ? pubsub->child(list, ns) : nullptr;
  if (el == nullptr) return out;
  for (const xml::Element& e : el->children(entry, ns)) {
    out.push_back(std::string(e.attr("node")) + " " + std::string(e.attr("jid")) + " " +
                  std::string(e.attr(entry)));
  }
  return out;
}

class PubsubSubscriptionsTest : public PubsubServiceTest {
 protected:
  void SetUp() override {
    PubsubServiceTest::SetUp();
    publishWith("presence-node", {});
    publishWith("open-node", {{"pubsub#access_model", "open"}});
    publishWith("closed-node", {{"pubsub#access_model", "whitelist"}});
  }

  void publishWith(std::string_view node,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    auto out = run(publishIq(node, "last", "<p xmlns='urn:x'/>",
                             fields.size() == 0 ? std::string() : options(fields)));
    ASSERT_EQ(xmpp::stanzaType(out.reply), "result");
  }

  // pubsub#owner configure with these node_config fields.
  void configure(std::string_view node, const std::string& fields) {
    auto iq = parse("<iq xmlns='jabber:client' type='set' id='c'><pubsub xmlns='" +
                    std::string(xmpp::ns::pubsubOwner) + "'><configure node='" + std::string(node) +
                    "'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
                    "<value>http://jabber.org/protocol/pubsub#node_config</value></field>" +
                    fields + "</x></configure></pubsub></iq>");
    ASSERT_EQ(xmpp::stanzaType(run(iq).reply), "result");
  }

  std::vector<std::string> stored(std::string_view node) {
    std::vector<std::string> jids;
    auto subs = ts.storage->pep().subscriptions("alice", "example.test", node);
    if (subs) {
      for (const auto& s : *subs) jids.push_back(s.jid);
    }
    return jids;
  }
};

TEST_F(PubsubSubscriptionsTest, AContactSubscribesGetsTheLastItemAndSeesItsSubscription) {
  auto out = run(subscribeIq("presence-node", "bob@example.test"), Relation::subscriber);
  ASSERT_EQ(xmpp::stanzaType(out.reply), "result");
  const auto* subscription =
      out.reply.child("pubsub", xmpp::ns::pubsub)->child("subscription", xmpp::ns::pubsub);
  ASSERT_NE(subscription, nullptr);
  EXPECT_EQ(subscription->attr("node"), "presence-node");
  EXPECT_EQ(subscription->attr("jid"), "bob@example.test");
  EXPECT_EQ(subscription->attr("subscription"), "subscribed");
  ASSERT_TRUE(out.lastItem);
  EXPECT_EQ(out.lastItem->to, "bob@example.test");
  const auto* items = out.lastItem->event.child("items", xmpp::ns::pubsubEvent);
  ASSERT_NE(items, nullptr);
  EXPECT_EQ(items->attr("node"), "presence-node");
  EXPECT_EQ(items->child("item", xmpp::ns::pubsubEvent)->attr("id"), "last");

  // Again: the same one subscription. A full JID of the same account is another.
  EXPECT_EQ(xmpp::stanzaType(
                run(subscribeIq("presence-node", "bob@example.test"), Relation::subscriber).reply),
            "result");
  EXPECT_EQ(xmpp::stanzaType(run(subscribeIq("open-node", kBob), Relation::subscriber).reply),
            "result");
  EXPECT_EQ(stored("presence-node"), std::vector<std::string>{"bob@example.test"});

  auto mine = run(listIq(xmpp::ns::pubsub, "subscriptions"), Relation::subscriber);
  EXPECT_EQ(entries(mine.reply, xmpp::ns::pubsub, "subscriptions", "subscription"),
            (std::vector<std::string>{"open-node bob@example.test/pc subscribed",
                                      "presence-node bob@example.test subscribed"}));
  auto one = run(listIq(xmpp::ns::pubsub, "subscriptions", "open-node"), Relation::subscriber);
  EXPECT_EQ(entries(one.reply, xmpp::ns::pubsub, "subscriptions", "subscription").size(), 1U);
  // The owner's own list does not show bob's.
  EXPECT_TRUE(entries(run(listIq(xmpp::ns::pubsub, "subscriptions")).reply, xmpp::ns::pubsub,
                      "subscriptions", "subscription")
                  .empty());

  // 8.8.1: the owner lists a node's subscribers; no one else may.
  const std::string owner(xmpp::ns::pubsubOwner);
  auto all = run(listIq(owner, "subscriptions", "presence-node"));
  EXPECT_EQ(entries(all.reply, owner, "subscriptions", "subscription"),
            std::vector<std::string>{" bob@example.test subscribed"});
  EXPECT_EQ(
      errorOf(run(listIq(owner, "subscriptions", "presence-node"), Relation::subscriber).reply)
          .first,
      "forbidden");
  EXPECT_EQ(errorOf(run(listIq(owner, "subscriptions", "missing")).reply).first, "item-not-found");
}

TEST_F(PubsubSubscriptionsTest, TheJidMustBeTheRequestersOwn) {
  EXPECT_EQ(errorOf(run(subscribeIq("open-node", ""), Relation::stranger).reply),
            (Error{"bad-request", "jid-required"}));
  EXPECT_EQ(errorOf(run(subscribeIq("open-node", "carol@example.test"), Relation::stranger).reply),
            (Error{"bad-request", "invalid-jid"}));
  EXPECT_EQ(errorOf(run(subscribeIq("open-node", "bob@exa mple.test"), Relation::stranger).reply),
            (Error{"bad-request", "invalid-jid"}));
  EXPECT_EQ(errorOf(run(subscribeIq("", "bob@example.test"), Relation::stranger).reply),
            (Error{"bad-request", "nodeid-required"}));
  EXPECT_EQ(errorOf(run(subscribeIq("missing", "bob@example.test"), Relation::stranger).reply),
            (Error{"item-not-found", ""}));
  EXPECT_TRUE(stored("open-node").empty());
}

TEST_F(PubsubSubscriptionsTest, TheAccessModelDecidesWhoMaySubscribe) {
  EXPECT_EQ(
      errorOf(run(subscribeIq("presence-node", "bob@example.test"), Relation::stranger).reply),
      (Error{"not-authorized", "presence-subscription-required"}));
  EXPECT_EQ(
      errorOf(run(subscribeIq("closed-node", "bob@example.test"), Relation::subscriber).reply),
      (Error{"not-allowed", "closed-node"}));
  EXPECT_EQ(
      xmpp::stanzaType(run(subscribeIq("open-node", "bob@example.test"), Relation::stranger).reply),
      "result");
  // The owner may subscribe to its own whitelist node.
  EXPECT_EQ(xmpp::stanzaType(run(subscribeIq("closed-node", "alice@example.test/phone")).reply),
            "result");
  EXPECT_EQ(stored("closed-node"), std::vector<std::string>{"alice@example.test/phone"});
}

TEST_F(PubsubSubscriptionsTest, TheRosterModelLetsInTheAllowedGroupsOnly) {
  configure("presence-node",
            "<field var='pubsub#access_model'><value>roster</value></field>"
            "<field var='pubsub#roster_groups_allowed'><value>Family</value><value>Friends</value>"
            "</field>");

  const Error notInGroup{"not-authorized", "not-in-roster-group"};
  EXPECT_EQ(errorOf(run(itemsIq("presence-node"), Relation::subscriber, {"Work"}).reply),
            notInGroup);
  EXPECT_EQ(errorOf(run(subscribeIq("presence-node", kBob), Relation::subscriber).reply),
            notInGroup);
  EXPECT_EQ(itemIds(run(itemsIq("presence-node"), Relation::stranger, {"Friends", "Work"}).reply),
            std::vector<std::string>{"last"});
  EXPECT_EQ(xmpp::stanzaType(
                run(subscribeIq("presence-node", kBob), Relation::subscriber, {"Family"}).reply),
            "result");
}

TEST_F(PubsubSubscriptionsTest, SubscriptionsAreLimitedPerNodeAndPerAccount) {
  // Limits: 3 per node, 4 for the account (pubsub_fixture.hpp).
  for (const char* r : {"a", "b", "c"}) {
    ASSERT_EQ(xmpp::stanzaType(run(subscribeIq("open-node", std::string("bob@example.test/") + r),
                                   Relation::stranger)
                                   .reply),
              "result");
  }
  EXPECT_EQ(errorOf(run(subscribeIq("open-node", "bob@example.test/d"), Relation::stranger).reply),
            (Error{"not-allowed", "too-many-subscriptions"}));
  ASSERT_EQ(xmpp::stanzaType(run(subscribeIq("presence-node", kBob), Relation::subscriber).reply),
            "result");
  EXPECT_EQ(
      errorOf(run(subscribeIq("presence-node", "bob@example.test"), Relation::subscriber).reply),
      (Error{"not-allowed", "too-many-subscriptions"}));
}

TEST_F(PubsubSubscriptionsTest, UnsubscribeEndsOnlyTheRequestersOwnSubscription) {
  ASSERT_EQ(xmpp::stanzaType(run(subscribeIq("open-node", kBob), Relation::stranger).reply),
            "result");
  EXPECT_EQ(
      errorOf(run(subscribeIq("open-node", "alice@example.test", "unsubscribe"), Relation::stranger)
                  .reply),
      (Error{"forbidden", ""}));
  EXPECT_EQ(
      errorOf(run(subscribeIq("open-node", "bob@example.test", "unsubscribe"), Relation::stranger)
                  .reply),
      (Error{"unexpected-request", "not-subscribed"}));
  EXPECT_EQ(
      errorOf(run(subscribeIq("missing", kBob, "unsubscribe"), Relation::stranger).reply).first,
      "item-not-found");
  EXPECT_EQ(xmpp::stanzaType(
                run(subscribeIq("open-node", kBob, "unsubscribe"), Relation::stranger).reply),
            "result");
  EXPECT_TRUE(stored("open-node").empty());
  EXPECT_EQ(errorOf(run(subscribeIq("open-node", kBob, "unsubscribe"), Relation::stranger).reply),
            (Error{"unexpected-request", "not-subscribed"}));
}

TEST_F(PubsubSubscriptionsTest, NoLastItemWhenTheNodeNeverSendsItOrHasNone) {
  configure("open-node",
            "<field var='pubsub#send_last_published_item'><value>never</value></field>");
  auto out = run(subscribeIq("open-node", kBob), Relation::stranger);
  EXPECT_EQ(xmpp::stanzaType(out.reply), "result");
  EXPECT_FALSE(out.lastItem);
  configure("open-node",
            "<field var='pubsub#send_last_published_item'><value>on_sub</value></field>");
  run(parse("<iq xmlns='jabber:client' type='set' id='r'><pubsub xmlns='" + pubsubNs() +
            "'><retract node='open-node'><item id='last'/></retract></pubsub></iq>"));
  EXPECT_FALSE(run(subscribeIq("open-node", kBob), Relation::stranger).lastItem);
}

TEST_F(PubsubSubscriptionsTest, DeletingTheNodeTellsAndDropsItsSubscribers) {
  ASSERT_EQ(xmpp::stanzaType(run(subscribeIq("open-node", kBob), Relation::stranger).reply),
            "result");
  auto del =
      run(parse("<iq xmlns='jabber:client' type='set' id='d'><pubsub xmlns='" +
                std::string(xmpp::ns::pubsubOwner) + "'><delete node='open-node'/></pubsub></iq>"));
  ASSERT_TRUE(del.notification);
  ASSERT_TRUE(del.notification->formerSubscriptions);
  EXPECT_EQ(*del.notification->formerSubscriptions,
            (std::vector<storage::PepSubscription>{{"open-node", kBob}}));
  publishWith("open-node", {{"pubsub#access_model", "open"}});
  EXPECT_TRUE(stored("open-node").empty());
}

TEST_F(PubsubSubscriptionsTest, TheOwnerIsTheOnlyAffiliation) {
  auto mine = run(listIq(xmpp::ns::pubsub, "affiliations"));
  EXPECT_EQ(
      entries(mine.reply, xmpp::ns::pubsub, "affiliations", "affiliation"),
      (std::vector<std::string>{"closed-node  owner", "open-node  owner", "presence-node  owner"}));
  auto one = run(listIq(xmpp::ns::pubsub, "affiliations", "open-node"));
  EXPECT_EQ(entries(one.reply, xmpp::ns::pubsub, "affiliations", "affiliation").size(), 1U);
  auto bobs = run(listIq(xmpp::ns::pubsub, "affiliations"), Relation::subscriber);
  EXPECT_EQ(xmpp::stanzaType(bobs.reply), "result");
  EXPECT_TRUE(entries(bobs.reply, xmpp::ns::pubsub, "affiliations", "affiliation").empty());

  const std::string owner(xmpp::ns::pubsubOwner);
  auto node = run(listIq(owner, "affiliations", "open-node"));
  EXPECT_EQ(entries(node.reply, owner, "affiliations", "affiliation"),
            std::vector<std::string>{" alice@example.test owner"});
  EXPECT_EQ(
      errorOf(run(listIq(owner, "affiliations", "open-node"), Relation::subscriber).reply).first,
      "forbidden");
}

}  // namespace
}  // namespace keyfed::modules::pep
