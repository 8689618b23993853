// RFC 6121 section 2 and XEP-0237 as a client sees them: roster get, set,
// remove, pushes to interested resources, errors, and versioning.
#include <functional>

#include "../src/subscription_state.hpp"
#include "im_test_support.hpp"

namespace keyfed::modules::testing {
namespace {

using RosterTest = ImTest;

std::vector<const xml::Element*> items(const xml::Element& result) {
  std::vector<const xml::Element*> out;
  if (const auto* q = result.child("query", xmpp::ns::roster)) {
    for (const auto& item : q->children("item", xmpp::ns::roster)) out.push_back(&item);
  }
  return out;
}

std::vector<std::string> groupsOf(const xml::Element& item) {
  std::vector<std::string> out;
  for (const auto& g : item.children("group", xmpp::ns::roster)) out.push_back(g.text());
  return out;
}

std::string versionOf(const xml::Element& stanza) {
  const auto* q = stanza.child("query", xmpp::ns::roster);
  return q != nullptr ? std::string(q->attr("ver")) : std::string("(no query)");
}

TEST_F(RosterTest, AnEmptyRosterHasAVersion) {
  auto alice = t.connect("alice", kDomain, "a");
  alice->sendToServer(rosterGet());
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "result");
  EXPECT_EQ(got[0].attr("id"), "get1");
  EXPECT_TRUE(items(got[0]).empty());
  EXPECT_EQ(versionOf(got[0]), "0");
}

TEST_F(RosterTest, SetIsPushedToInterestedResourcesAndReturnedByGet) {
  auto phone = login("alice", "phone");
  auto laptop = login("alice", "laptop");
  auto uninterested = t.connect("alice", kDomain, "bot");  // never asked for the roster
  phone->take();                                           // laptop's presence

  phone->sendToServer(rosterSet(kBob, "Bob", {"Work", "Friends"}));
  auto got = phone->take();
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0].attr("type"), "result");  // the answer comes first
  EXPECT_EQ(got[0].attr("id"), "set1");
  auto laptopGot = laptop->take();
  for (const auto* received : {&got, &laptopGot}) {
    auto pushed = pushes(*received);
    ASSERT_EQ(pushed.size(), 1U);
    const auto* item = pushedItem(pushed[0]);
    EXPECT_EQ(item->attr("jid"), kBob);
    EXPECT_EQ(item->attr("name"), "Bob");
    EXPECT_EQ(item->attr("subscription"), "none");
    EXPECT_FALSE(item->hasAttr("ask"));
    EXPECT_EQ(groupsOf(*item), (std::vector<std::string>{"Friends", "Work"}));
    EXPECT_EQ(versionOf(pushed[0]), "1");
    EXPECT_EQ(pushed[0].attr("to"),
              received == &got ? "alice@example.test/phone" : "alice@example.test/laptop");
  }
  EXPECT_TRUE(uninterested->take().empty());

  laptop->sendToServer(rosterGet());
  got = laptop->take();
  ASSERT_EQ(got.size(), 1U);
  auto listed = items(got[0]);
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0]->attr("name"), "Bob");
  EXPECT_EQ(versionOf(got[0]), "1");
}

TEST_F(RosterTest, UpdatingNameAndGroupsKeepsTheSubscription) {
  storage::RosterItem bob;
  bob.jid = std::string(kBob);
  bob.subscription = storage::Subscription::both;
  seed("alice", bob);
  auto alice = login("alice", "a");
  alice->sendToServer(rosterSet(kBob, "Robert", {"Work"}));
  auto pushed = pushes(alice->take());
  ASSERT_EQ(pushed.size(), 1U);
  EXPECT_EQ(pushedItem(pushed[0])->attr("subscription"), "both");
  EXPECT_EQ(pushedItem(pushed[0])->attr("name"), "Robert");
  // An item without name or groups clears them.
  alice->sendToServer(rosterSet(kBob));
  EXPECT_TRUE(item("alice", kBob)->name.empty());
  EXPECT_TRUE(item("alice", kBob)->groups.empty());
  EXPECT_EQ(item("alice", kBob)->subscription, storage::Subscription::both);
}

TEST_F(RosterTest, ClientsCannotSetSubscriptionOrAsk) {
  auto alice = login("alice", "a");
  auto set = rosterSet(kBob);
  auto* item = set.child("query", xmpp::ns::roster)->child("item", xmpp::ns::roster);
  item->setAttr("subscription", "both");
  item->setAttr("ask", "subscribe");
  item->setAttr("approved", "true");
  alice->sendToServer(std::move(set));
  auto stored = this->item("alice", kBob);
  ASSERT_TRUE(stored);
  EXPECT_EQ(roster::stateName(*stored), "None");
}

TEST_F(RosterTest, RemovePushesRemoveAndTheItemIsGone) {
  auto phone = login("alice", "phone");
  auto laptop = login("alice", "laptop");
  phone->sendToServer(rosterSet(kBob, "Bob"));
  phone->take();
  laptop->take();
  laptop->sendToServer(rosterRemove(kBob));
  auto got = laptop->take();
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0].attr("type"), "result");
  for (const auto& received : {phone->take(), got}) {
    auto pushed = pushes(received);
    ASSERT_EQ(pushed.size(), 1U);
    EXPECT_EQ(pushedItem(pushed[0])->attr("subscription"), "remove");
    EXPECT_EQ(versionOf(pushed[0]), "2");
  }
  phone->sendToServer(rosterGet());
  EXPECT_TRUE(items(phone->take()[0]).empty());

  // RFC 6121 2.5.3: removing what is not there.
  phone->sendToServer(rosterRemove(kBob));
  got = phone->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "item-not-found");
}

TEST_F(RosterTest, RemovingCancelsSubscriptionsBothWays) {
  // RFC 6121 2.5.2: alice had 'both' with a remote contact.
  storage::RosterItem contact;
  contact.jid = std::string(kRemote);
  contact.subscription = storage::Subscription::both;
  seed("alice", contact);
  auto alice = login("alice", "a");
  takeRemote();
  alice->sendToServer(rosterRemove(kRemote));
  auto sent = takeRemote();
  ASSERT_EQ(presences(sent, "unavailable").size(), 1U);  // alice's presence ends for them
  EXPECT_EQ(presences(sent, "unavailable")[0].attr("from"), "alice@example.test/a");
  ASSERT_EQ(presences(sent, "unsubscribe").size(), 1U);
  ASSERT_EQ(presences(sent, "unsubscribed").size(), 1U);
  EXPECT_EQ(presences(sent, "unsubscribe")[0].attr("from"), kAlice);
  EXPECT_EQ(presences(sent, "unsubscribed")[0].attr("to"), kRemote);
  EXPECT_FALSE(item("alice", kRemote).has_value());
}

TEST_F(RosterTest, RemovingALocalContactUpdatesTheContactsRoster) {
  storage::RosterItem aliceSide;
  aliceSide.jid = std::string(kBob);
  aliceSide.subscription = storage::Subscription::to;
  seed("alice", aliceSide);
  storage::RosterItem bobSide;
  bobSide.jid = std::string(kAlice);
  bobSide.subscription = storage::Subscription::from;
  seed("bob", bobSide);
  auto alice = login("alice", "a");
  auto bob = login("bob", "b");
  alice->take();
  alice->sendToServer(rosterRemove(kBob));
  EXPECT_EQ(roster::stateName(*item("bob", kAlice)), "None");
  auto pushed = pushes(bob->take());
  ASSERT_EQ(pushed.size(), 1U);
  EXPECT_EQ(pushedItem(pushed[0])->attr("subscription"), "none");
}

struct BadSet {
  const char* what;
  std::function<void(xml::Element& item, xml::Element& query)> edit;
  const char* condition;
};

TEST_F(RosterTest, InvalidSetsAreRefusedWithTheRfcConditions) {
  const std::string longName(2000, 'n');
  const std::vector<BadSet> cases = {
      {"two items",
       [](xml::Element&, xml::Element& q) {
         q.addChild("item", std::string(xmpp::ns::roster)).setAttr("jid", "x@example.test");
       },
       "bad-request"},
      {"no jid", [](xml::Element& i, xml::Element&) { i.removeAttr("jid"); }, "bad-request"},
      {"own jid", [](xml::Element& i, xml::Element&) { i.setAttr("jid", kAlice); }, "not-allowed"},
      {"own jid, other case",
       [](xml::Element& i, xml::Element&) { i.setAttr("jid", "ALICE@Example.Test"); },
       "not-allowed"},
      {"malformed jid", [](xml::Element& i, xml::Element&) { i.setAttr("jid", "a@b@c"); },
       "jid-malformed"},
      {"full jid", [](xml::Element& i, xml::Element&) { i.setAttr("jid", "bob@example.test/r"); },
       "bad-request"},
      {"empty group",
       [](xml::Element& i, xml::Element&) { i.addChild("group", std::string(xmpp::ns::roster)); },
       "not-acceptable"},
      {"same group twice",
       [](xml::Element& i, xml::Element&) {
         i.addChild("group", std::string(xmpp::ns::roster)).addText("G");
         i.addChild("group", std::string(xmpp::ns::roster)).addText("G");
       },
       "bad-request"},
      {"name too long", [&](xml::Element& i, xml::Element&) { i.setAttr("name", longName); },
       "not-acceptable"},
      {"group too long",
       [&](xml::Element& i, xml::Element&) {
         i.addChild("group", std::string(xmpp::ns::roster)).addText(longName);
       },
       "not-acceptable"},
      {"too many groups",
       [](xml::Element& i, xml::Element&) {
         for (int g = 0; g < 65; ++g) {
           i.addChild("group", std::string(xmpp::ns::roster)).addText("g" + std::to_string(g));
         }
       },
       "not-acceptable"},
  };
  auto alice = login("alice", "a");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto set = rosterSet(kBob);
    auto* q = set.child("query", xmpp::ns::roster);
    c.edit(*q->child("item", xmpp::ns::roster), *q);
    alice->sendToServer(std::move(set));
    auto got = alice->take();
    ASSERT_EQ(got.size(), 1U);
    EXPECT_EQ(got[0].attr("type"), "error");
    EXPECT_EQ(errorCondition(got[0]), c.condition);
  }
  // A set with no item at all.
  alice->sendToServer(rosterIq("set"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "bad-request");
  // Nothing was stored by any of them.
  alice->sendToServer(rosterGet());
  EXPECT_EQ(versionOf(alice->take()[0]), "0");
}

TEST_F(RosterTest, JidsAreStoredPrepared) {
  auto alice = login("alice", "a");
  alice->sendToServer(rosterSet("Bob@EXAMPLE.test", "Bob"));
  auto pushed = pushes(alice->take());
  ASSERT_EQ(pushed.size(), 1U);
  EXPECT_EQ(pushedItem(pushed[0])->attr("jid"), kBob);
  EXPECT_TRUE(item("alice", kBob).has_value());
}

TEST_F(RosterTest, PendingRequestsFromStrangersAreNotShownUntilAdded) {
  auto alice = login("alice", "a");
  fromRemote(presence(kAlice, "subscribe"));
  auto got = alice->take();
  EXPECT_EQ(presences(got, "subscribe").size(), 1U);
  EXPECT_TRUE(pushes(got).empty());  // not on the roster
  alice->sendToServer(rosterGet());
  EXPECT_TRUE(items(alice->take()[0]).empty());

  // Adding the stranger keeps the request; approving it then grants 'from'.
  alice->sendToServer(rosterSet(kRemote, "Contact"));
  auto pushed = pushes(alice->take());
  ASSERT_EQ(pushed.size(), 1U);
  EXPECT_EQ(pushedItem(pushed[0])->attr("subscription"), "none");
  EXPECT_EQ(roster::stateName(*item("alice", kRemote)), "None + Pending In");
  alice->sendToServer(presence(kRemote, "subscribed"));
  EXPECT_EQ(roster::stateName(*item("alice", kRemote)), "From");
  EXPECT_EQ(item("alice", kRemote)->name, "Contact");
  // Removing a stranger one never added is item-not-found.
  fromRemote(presence(kAlice, "subscribe"), "other@remote.test");
  alice->take();
  alice->sendToServer(rosterRemove("other@remote.test"));
  EXPECT_EQ(errorCondition(alice->take().at(0)), "item-not-found");
}

// XEP-0237.
class RosterVersioningTest : public ImTest {
 protected:
  void SetUp() override {
    ImTest::SetUp();
    alice = login("alice", "a");
    for (auto jid : {kBob, kCarol, kRemote}) alice->sendToServer(rosterSet(jid));  // 1, 2, 3
    alice->sendToServer(rosterRemove(kCarol));                                     // 4
    alice->sendToServer(rosterSet(kBob, "Bob"));                                   // 5
    alice->take();
  }
  std::unique_ptr<server::TestClientSession> alice;
};

TEST_F(RosterVersioningTest, CurrentVersionGetsAnEmptyResult) {
  alice->sendToServer(rosterGet("5"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "result");
  EXPECT_EQ(got[0].childCount(), 0U);
}

TEST_F(RosterVersioningTest, OlderVersionGetsTheChangesAsPushes) {
  alice->sendToServer(rosterGet("2"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 4U);
  EXPECT_EQ(got[0].attr("type"), "result");
  EXPECT_EQ(got[0].childCount(), 0U);
  std::vector<std::pair<std::string, std::string>> changes;
  for (std::size_t i = 1; i < got.size(); ++i) {
    const auto* item = pushedItem(got[i]);
    ASSERT_NE(item, nullptr);
    changes.emplace_back(std::string(item->attr("jid")), std::string(item->attr("subscription")));
  }
  EXPECT_EQ(changes,
            (std::vector<std::pair<std::string, std::string>>{{"carol@example.test", "remove"},
                                                              {"contact@remote.test", "none"},
                                                              {"bob@example.test", "none"}}));
  // Only the last push moves the client to the current version.
  EXPECT_EQ(versionOf(got[1]), "2");
  EXPECT_EQ(versionOf(got[2]), "2");
  EXPECT_EQ(versionOf(got[3]), "5");
}

TEST_F(RosterVersioningTest, UnknownVersionsGetTheFullRoster) {
  for (std::string_view ver : {"", "6", "999999999999999999999", "ver7", "-1"}) {
    SCOPED_TRACE(ver);
    alice->sendToServer(rosterGet(ver));
    auto got = alice->take();
    ASSERT_EQ(got.size(), 1U);
    EXPECT_EQ(versionOf(got[0]), "5");
    EXPECT_EQ(items(got[0]).size(), 2U);
  }
}

TEST_F(RosterVersioningTest, ChangesOnlyToUnlistedItemsGetTheFullRoster) {
  // A stranger's request changes the version without anything the client sees.
  fromRemote(presence(kAlice, "subscribe"), "stranger@remote.test");
  alice->take();
  alice->sendToServer(rosterGet("5"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(versionOf(got[0]), "6");
  EXPECT_EQ(items(got[0]).size(), 2U);
}

TEST_F(RosterVersioningTest, VersioningAndPreApprovalAreStreamFeaturesAfterAuthentication) {
  for (bool authenticated : {false, true}) {
    xml::Element features("features", std::string(xmpp::ns::stream));
    server::FeaturesEvent event{*t.server, *alice, features, authenticated};
    t.server->hooks().features.fire("c2s-features", event);
    EXPECT_EQ(features.child("ver", xmpp::ns::rosterVersioning) != nullptr, authenticated);
    EXPECT_EQ(features.child("sub", xmpp::ns::presenceSubscriptionPreApproval) != nullptr,
              authenticated);
  }
}

}  // namespace
}  // namespace keyfed::modules::testing
