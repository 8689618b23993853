// XEP-0191 sections 3.2-3.5 as a client sees them: list, block, unblock,
// unblock all, pushes, and the presence the contacts get.
#include "blocking_test_support.hpp"

namespace keyfed::modules::blocking_test {
namespace {

using storage::Subscription;

class BlockingCommands : public BlockingTest {
 protected:
  std::vector<std::string> listed(TestClientSession& client) {
    auto answer = command(client, "get", xml::Element("blocklist", std::string(ns::blocking)));
    EXPECT_EQ(answer.attr("type"), "result");
    const auto* list = answer.child("blocklist", ns::blocking);
    EXPECT_NE(list, nullptr);
    return list == nullptr ? std::vector<std::string>{} : itemJids(*list);
  }

  void addContact(std::string_view user, std::string_view contact, Subscription subscription) {
    storage::RosterItem item;
    item.jid = std::string(contact);
    item.subscription = subscription;
    ASSERT_TRUE(t.storage->roster().upsert(user, "example.test", item));
  }
};

TEST_F(BlockingCommands, NewAccountHasAnEmptyList) {
  EXPECT_TRUE(listed(*alice).empty());
}

TEST_F(BlockingCommands, BlockedJidsAreListedPreparedSortedAndStored) {
  block(*alice, {"Romeo@Montague.NET", "iago@shakespeare.lit", "romeo@montague.net"});
  EXPECT_EQ(listed(*alice),
            (std::vector<std::string>{"iago@shakespeare.lit", "romeo@montague.net"}));
  auto stored = t.storage->blocklist().list("alice", "example.test");
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, (std::vector<std::string>{"iago@shakespeare.lit", "romeo@montague.net"}));
  // Another resource, and a later session, see the same list.
  auto other = online("alice", "other");
  EXPECT_EQ(listed(*other).size(), 2U);
}

TEST_F(BlockingCommands, PushesGoToEveryResourceThatAskedForTheList) {
  auto asked = online("alice", "asked");
  auto silent = online("alice", "silent");
  listed(*asked);
  listed(*alice);

  alice->sendToServer(iq("set", "", items("block", {"romeo@montague.net"}), "b1"));
  auto own = alice->take();
  ASSERT_EQ(own.size(), 2U);
  EXPECT_EQ(own[0].attr("type"), "result");  // the result first, then the push
  EXPECT_EQ(own[0].attr("id"), "b1");
  auto pushes = asked->take();
  ASSERT_EQ(pushes.size(), 1U);
  for (const auto& push : {own[1], pushes[0]}) {
    EXPECT_EQ(push.attr("type"), "set");
    const auto* payload = push.child("block", ns::blocking);
    ASSERT_NE(payload, nullptr);
    EXPECT_EQ(itemJids(*payload), (std::vector<std::string>{"romeo@montague.net"}));
  }
  EXPECT_EQ(pushes[0].attr("to"), "alice@example.test/asked");
  EXPECT_TRUE(silent->take().empty());
}

TEST_F(BlockingCommands, UnblockRemovesTheItemsAndPushesThem) {
  block(*alice, {"romeo@montague.net", "iago@shakespeare.lit"});
  auto asked = online("alice", "asked");
  listed(*asked);
  auto answer = command(*alice, "set", items("unblock", {"romeo@montague.net", "not@blocked.x"}));
  EXPECT_EQ(answer.attr("type"), "result");
  EXPECT_EQ(listed(*alice), (std::vector<std::string>{"iago@shakespeare.lit"}));
  auto pushes = asked->take();
  ASSERT_EQ(pushes.size(), 1U);
  const auto* payload = pushes[0].child("unblock", ns::blocking);
  ASSERT_NE(payload, nullptr);
  EXPECT_EQ(itemJids(*payload), (std::vector<std::string>{"not@blocked.x", "romeo@montague.net"}));
}

TEST_F(BlockingCommands, EmptyUnblockUnblocksEverybody) {
  block(*alice, {"romeo@montague.net", "iago@shakespeare.lit"});
  auto asked = online("alice", "asked");
  listed(*asked);
  auto answer = command(*alice, "set", xml::Element("unblock", std::string(ns::blocking)));
  EXPECT_EQ(answer.attr("type"), "result");
  EXPECT_TRUE(listed(*alice).empty());
  auto pushes = asked->take();
  ASSERT_EQ(pushes.size(), 1U);
  const auto* payload = pushes[0].child("unblock", ns::blocking);
  ASSERT_NE(payload, nullptr);
  EXPECT_EQ(payload->childCount(), 0U);
  EXPECT_TRUE(t.storage->blocklist().list("alice", "example.test")->empty());
}

TEST_F(BlockingCommands, MalformedRequestsChangeNothing) {
  block(*alice, {"romeo@montague.net"});
  auto answer = command(*alice, "set", items("block", {"good@example.net", "bad@@jid"}));
  EXPECT_EQ(errorCondition(answer), "jid-malformed");
  xml::Element missing("block", std::string(ns::blocking));
  missing.addChild("item", std::string(ns::blocking));
  EXPECT_EQ(errorCondition(command(*alice, "set", std::move(missing))), "jid-malformed");
  EXPECT_EQ(errorCondition(command(*alice, "set", items("block", {}))), "bad-request");
  EXPECT_EQ(errorCondition(command(*alice, "set", items("unblock", {"@"}))), "jid-malformed");
  EXPECT_EQ(errorCondition(command(*alice, "set", items("blocklist", {}))), "bad-request");
  EXPECT_EQ(errorCondition(command(*alice, "get", items("block", {"x@y"}))), "bad-request");
  EXPECT_EQ(listed(*alice), (std::vector<std::string>{"romeo@montague.net"}));
}

TEST_F(BlockingCommands, ListOverTheStorageLimitIsRefusedWhole) {
  const std::size_t limit = t.storage->limits().blocklistPerUser;
  std::vector<std::string> many;
  for (std::size_t i = 0; i <= limit; ++i)
    many.push_back("u" + std::to_string(i) + "@spam.example");
  auto answer = command(*alice, "set", items("block", many));
  EXPECT_EQ(errorCondition(answer), "policy-violation");
  EXPECT_TRUE(listed(*alice).empty());
}

TEST_F(BlockingCommands, OthersCannotReadOrChangeSomeonesList) {
  block(*alice, {"romeo@montague.net"});
  bob->sendToServer(
      iq("get", "alice@example.test", xml::Element("blocklist", std::string(ns::blocking))));
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");
  bob->sendToServer(iq("set", "alice@example.test", items("unblock", {})));
  EXPECT_EQ(errorCondition(bob->take().at(0)), "service-unavailable");
  EXPECT_EQ(listed(*alice).size(), 1U);
}

TEST_F(BlockingCommands, BlockingSendsUnavailableToContactsThatSeeOurPresence) {
  auto carol = online("carol", "c");
  auto second = online("alice", "second");
  addContact("alice", "bob@example.test", Subscription::from);
  addContact("alice", "carol@example.test", Subscription::to);  // carol does not see alice
  block(*alice, {"bob@example.test", "carol@example.test"});

  auto got = bob->take();
  ASSERT_EQ(got.size(), 2U);  // one per available resource of alice
  std::vector<std::string> from;
  for (const auto& p : got) {
    EXPECT_EQ(p.name(), "presence");
    EXPECT_EQ(p.attr("type"), "unavailable");
    from.emplace_back(p.attr("from"));
  }
  std::sort(from.begin(), from.end());
  EXPECT_EQ(from, (std::vector<std::string>{"alice@example.test/a", "alice@example.test/second"}));
  EXPECT_TRUE(carol->take().empty());

  // Blocking an already blocked contact again sends nothing new.
  block(*alice, {"bob@example.test"});
  EXPECT_TRUE(bob->take().empty());
}

TEST_F(BlockingCommands, DomainBlockReachesContactsAtThatDomain) {
  addContact("alice", "bob@example.test", Subscription::both);
  block(*alice, {"example.test"});
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "unavailable");
}

TEST_F(BlockingCommands, UnblockingSendsTheCurrentPresence) {
  addContact("alice", "bob@example.test", Subscription::both);
  xml::Element away("presence", std::string(ns::client));
  away.addChild("show", std::string(ns::client)).addText("away");
  alice->presence.last = away;
  block(*alice, {"bob@example.test"});
  bob->take();

  auto answer = command(*alice, "set", items("unblock", {"bob@example.test"}));
  ASSERT_EQ(answer.attr("type"), "result");
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("from"), "alice@example.test/a");
  EXPECT_EQ(got[0].attr("type"), "");
  EXPECT_EQ(got[0].childText("show", ns::client), "away");
}

TEST_F(BlockingCommands, ServerAdvertisesTheFeature) {
  const auto& features = t.server->disco().serverFeatures();
  EXPECT_NE(std::find(features.begin(), features.end(), std::string(ns::blocking)), features.end());
}

}  // namespace
}  // namespace keyfed::modules::blocking_test
