// XEP-0191 section 3.3: stanzas between a user and the JIDs the user blocked.
#include "blocking_test_support.hpp"

namespace keyfed::modules::blocking_test {
namespace {

class BlockingEnforcement : public BlockingTest {
 protected:
  BlockingEnforcement() : BlockingTest({"example.test", "other.test"}) {}

  void SetUp() override {
    BlockingTest::SetUp();
    t.addUser("dave", "other.test");
  }
};

TEST_F(BlockingEnforcement, MessageFromBlockedJidIsNotDeliveredAndLooksLikeNobodyIsThere) {
  block(*alice, {"bob@example.test"});
  bob->sendToServer(message("alice@example.test"));
  bob->sendToServer(message("alice@example.test/a"));
  EXPECT_TRUE(alice->take().empty());
  auto errors = bob->take();
  ASSERT_EQ(errors.size(), 2U);
  for (const auto& e : errors) {
    EXPECT_EQ(e.attr("type"), "error");
    EXPECT_EQ(errorCondition(e), "service-unavailable");
    EXPECT_EQ(e.child("error", ns::client)->child("blocked", ns::blockingErrors), nullptr);
  }
}

TEST_F(BlockingEnforcement, MessageToBlockedJidIsRefusedWithBlockedCondition) {
  block(*alice, {"bob@example.test"});
  alice->sendToServer(message("bob@example.test"));
  EXPECT_TRUE(bob->take().empty());
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "error");
  EXPECT_EQ(got[0].attr("from"), "bob@example.test");
  EXPECT_EQ(got[0].attr("to"), "alice@example.test/a");
  EXPECT_EQ(errorCondition(got[0]), "not-acceptable");
  const auto* error = got[0].child("error", ns::client);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->attr("type"), "cancel");
  EXPECT_NE(error->child("blocked", ns::blockingErrors), nullptr);
  EXPECT_EQ(got[0].childText("body", ns::client), "hi");
}

TEST_F(BlockingEnforcement, PresenceFromBlockedJidIsDroppedWithoutAnswer) {
  block(*alice, {"bob@example.test"});
  bob->sendToServer(presence("alice@example.test/a"));
  bob->sendToServer(presence("alice@example.test", "subscribe"));
  bob->sendToServer(presence("alice@example.test"));
  EXPECT_TRUE(alice->take().empty());
  EXPECT_TRUE(bob->take().empty());
}

TEST_F(BlockingEnforcement, OutboundPresenceToBlockedJid) {
  block(*alice, {"bob@example.test"});
  alice->sendToServer(presence("bob@example.test", "subscribe"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "not-acceptable");
  // Unavailable needs no error: the contact already got one when blocked.
  alice->sendToServer(presence("bob@example.test/b", "unavailable"));
  EXPECT_TRUE(alice->take().empty());
  EXPECT_TRUE(bob->take().empty());
}

TEST_F(BlockingEnforcement, IqFromBlockedJid) {
  block(*alice, {"bob@example.test"});
  bob->sendToServer(iq("get", "alice@example.test/a", xml::Element("ping", "urn:xmpp:ping")));
  EXPECT_TRUE(alice->take().empty());
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");

  xml::Element result("iq", std::string(ns::client));
  result.setAttr("type", "result");
  result.setAttr("id", "r1");
  result.setAttr("to", "alice@example.test/a");
  bob->sendToServer(std::move(result));
  EXPECT_TRUE(alice->take().empty());
  EXPECT_TRUE(bob->take().empty());
}

TEST_F(BlockingEnforcement, IqToBareJidAnsweredByAModuleIsRefusedToBlockedSender) {
  int answered = 0;
  t.server->hooks().stanzas.hook("iq-get/bare/urn:test:card", [&](server::StanzaEvent& e) {
    ++answered;
    e.server.route(xmpp::makeIqResult(e.stanza));
    return true;
  });
  block(*alice, {"bob@example.test"});
  bob->sendToServer(iq("get", "alice@example.test", xml::Element("card", "urn:test:card")));
  EXPECT_EQ(answered, 0);
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");

  auto carol = online("carol", "c");
  carol->sendToServer(iq("get", "alice@example.test", xml::Element("card", "urn:test:card")));
  EXPECT_EQ(answered, 1);
  EXPECT_EQ(carol->take().at(0).attr("type"), "result");
}

TEST_F(BlockingEnforcement, FullJidBlockCoversOnlyThatResource) {
  auto bobPhone = online("bob", "phone");
  block(*alice, {"bob@example.test/phone"});
  bobPhone->sendToServer(message("alice@example.test"));
  EXPECT_TRUE(alice->take().empty());
  bob->sendToServer(message("alice@example.test"));
  EXPECT_EQ(alice->take().size(), 1U);
}

TEST_F(BlockingEnforcement, DomainBlockCoversEveryoneThere) {
  auto dave = online("dave", "d", "other.test");
  block(*alice, {"other.test"});
  dave->sendToServer(message("alice@example.test"));
  EXPECT_TRUE(alice->take().empty());
  EXPECT_EQ(errorCondition(dave->take().at(0)), "service-unavailable");
  alice->sendToServer(message("dave@other.test"));
  EXPECT_EQ(errorCondition(alice->take().at(0)), "not-acceptable");
  bob->sendToServer(message("alice@example.test"));
  EXPECT_EQ(alice->take().size(), 1U);
}

TEST_F(BlockingEnforcement, BlockingOwnDomainDoesNotCutOffTheServerOrOneself) {
  t.server->hooks().stanzas.hook("iq-get/host/urn:test:ping", [](server::StanzaEvent& e) {
    e.server.route(xmpp::makeIqResult(e.stanza));
    return true;
  });
  block(*alice, {"example.test"});
  alice->sendToServer(iq("get", "example.test", xml::Element("ping", "urn:test:ping")));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "result");
  alice->sendToServer(message("alice@example.test/a"));
  EXPECT_EQ(alice->take().size(), 1U);
  // ... while other users at the domain are blocked.
  bob->sendToServer(message("alice@example.test"));
  EXPECT_TRUE(alice->take().empty());
}

TEST_F(BlockingEnforcement, ServerGeneratedStanzasForTheUserSkipBlockedContacts) {
  auto carol = online("carol", "c");
  block(*alice, {"bob@example.test"});
  // What the presence module does for a broadcast: route from the user's full JID.
  for (const char* to : {"bob@example.test", "carol@example.test"}) {
    auto p = presence(to);
    p.setAttr("from", "alice@example.test/a");
    t.server->route(std::move(p));
  }
  EXPECT_TRUE(bob->take().empty());
  EXPECT_EQ(carol->take().size(), 1U);
}

TEST_F(BlockingEnforcement, RemoteJidsAreBlockedBothWays) {
  std::vector<xml::Element> toRemote;
  t.server->hooks().stanzas.hook("route/remote", [&](server::StanzaEvent& e) {
    toRemote.push_back(e.stanza);
    return true;
  });
  block(*alice, {"romeo@montague.net"});
  alice->sendToServer(message("romeo@montague.net"));
  EXPECT_EQ(errorCondition(alice->take().at(0)), "not-acceptable");
  auto p = presence("romeo@montague.net");
  p.setAttr("from", "alice@example.test/a");
  t.server->route(std::move(p));
  EXPECT_TRUE(toRemote.empty());
  alice->sendToServer(message("juliet@capulet.net"));
  EXPECT_EQ(toRemote.size(), 1U);

  // Inbound, as an s2s stream would hand it to the router.
  auto in = message("alice@example.test");
  in.setAttr("from", "romeo@montague.net/orchard");
  t.server->route(std::move(in));
  EXPECT_TRUE(alice->take().empty());
  ASSERT_EQ(toRemote.size(), 2U);
  EXPECT_EQ(errorCondition(toRemote[1]), "service-unavailable");
}

TEST_F(BlockingEnforcement, ErrorsToBlockedJidsAreDroppedSilently) {
  block(*alice, {"bob@example.test"});
  alice->sendToServer(message("bob@example.test/b", "error"));
  EXPECT_TRUE(alice->take().empty());
  EXPECT_TRUE(bob->take().empty());
}

TEST_F(BlockingEnforcement, UnblockedJidGetsThroughAgain) {
  block(*alice, {"bob@example.test"});
  bob->sendToServer(message("alice@example.test"));
  EXPECT_TRUE(alice->take().empty());
  bob->take();
  auto answer = command(*alice, "set", items("unblock", {"bob@example.test"}));
  ASSERT_EQ(answer.attr("type"), "result");
  bob->sendToServer(message("alice@example.test"));
  EXPECT_EQ(alice->take().size(), 1U);
  alice->sendToServer(message("bob@example.test"));
  EXPECT_EQ(bob->take().size(), 1U);
}

TEST_F(BlockingEnforcement, BlocklistOfAnOfflineUserApplies) {
  ASSERT_TRUE(t.storage->blocklist().add("carol", "example.test",
                                         std::vector<std::string>{"bob@example.test"}));
  bob->sendToServer(message("carol@example.test"));
  EXPECT_EQ(errorCondition(bob->take().at(0)), "service-unavailable");
}

TEST_F(BlockingEnforcement, RemovedAccountsListIsForgotten) {
  block(*alice, {"bob@example.test"});
  bob->sendToServer(message("alice@example.test"));
  EXPECT_TRUE(alice->take().empty());
  bob->take();
  // The account is deleted and created again under the same name.
  ASSERT_TRUE(t.storage->accounts().remove("alice", "example.test"));
  t.addUser("alice", "example.test");
  server::SessionEvent removed{*t.server, *alice};
  t.server->hooks().sessions.fire("account-removed", removed);
  bob->sendToServer(message("alice@example.test"));
  EXPECT_EQ(alice->take().size(), 1U);
}

}  // namespace
}  // namespace keyfed::modules::blocking_test
