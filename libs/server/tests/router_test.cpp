// The router's RFC 6121 section 8 defaults and its events, with test sessions.
#include <gtest/gtest.h>

#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::server {
namespace {

xml::Element message(std::string_view to, std::string_view type = "chat") {
  xml::Element m("message", std::string(xmpp::ns::client));
  m.setAttr("to", to);
  if (!type.empty()) m.setAttr("type", type);
  m.addChild("body", std::string(xmpp::ns::client)).addText("hi");
  return m;
}

xml::Element iq(std::string_view type, std::string_view to, std::string_view ns) {
  xml::Element q("iq", std::string(xmpp::ns::client));
  q.setAttr("type", type);
  q.setAttr("id", "q1");
  if (!to.empty()) q.setAttr("to", to);
  q.addChild("query", std::string(ns));
  return q;
}

std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t.addUser("alice", "example.test");
    t.addUser("bob", "example.test");
    ASSERT_TRUE(t.start());
  }
  TestServer t;
};

TEST_F(RouterTest, FromIsAlwaysStampedWithTheSendersFullJid) {
  auto alice = t.connect("alice", "example.test", "a");
  auto bob = t.connect("bob", "example.test", "b");
  bob->presence.available = true;
  auto m = message("bob@example.test/b");
  m.setAttr("from", "mallory@example.test/x");
  alice->sendToServer(std::move(m));
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("from"), "alice@example.test/a");
}

TEST_F(RouterTest, BareJidMessageGoesToHighestNonNegativePriority) {
  auto alice = t.connect("alice", "example.test", "a");
  auto low = t.connect("bob", "example.test", "low");
  auto high = t.connect("bob", "example.test", "high");
  auto negative = t.connect("bob", "example.test", "neg");
  for (auto* s : {low.get(), high.get(), negative.get()}) s->presence.available = true;
  low->presence.priority = 1;
  high->presence.priority = 5;
  negative->presence.priority = -1;
  alice->sendToServer(message("bob@example.test"));
  EXPECT_EQ(high->take().size(), 1U);
  EXPECT_TRUE(low->take().empty());
  EXPECT_TRUE(negative->take().empty());
}

TEST_F(RouterTest, MessageToUnknownUserBouncesServiceUnavailable) {
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(message("nobody@example.test"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "error");
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");
  EXPECT_EQ(got[0].attr("from"), "nobody@example.test");
}

TEST_F(RouterTest, OfflineEventFiresForAnExistingOfflineAccount) {
  int offline = 0;
  t.server->hooks().stanzas.hook("message/offline", [&](StanzaEvent& e) {
    ++offline;
    EXPECT_EQ(e.to.full(), "bob@example.test");
    return true;
  });
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(message("bob@example.test/gone"));
  EXPECT_EQ(offline, 1);
  EXPECT_TRUE(alice->take().empty());
}

TEST_F(RouterTest, UnhandledIqToServerIsServiceUnavailableAndHandlersByNamespaceRun) {
  t.server->hooks().stanzas.hook("iq-get/host/urn:xmpp:ping", [](StanzaEvent& e) {
    e.server.route(xmpp::makeIqResult(e.stanza));
    return true;
  });
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(iq("get", "example.test", "urn:xmpp:ping"));
  alice->sendToServer(iq("get", "example.test", "urn:example:unknown"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0].attr("type"), "result");
  EXPECT_EQ(got[0].attr("from"), "example.test");
  EXPECT_EQ(got[1].attr("type"), "error");
  EXPECT_EQ(errorCondition(got[1]), "service-unavailable");
}

TEST_F(RouterTest, IqWithoutToIsAddressedToOwnAccountAsSelf) {
  int self = 0;
  t.server->hooks().stanzas.hook("iq-get/self/jabber:iq:roster", [&](StanzaEvent& e) {
    ++self;
    EXPECT_EQ(e.to.full(), "alice@example.test");
    e.server.route(xmpp::makeIqResult(e.stanza));
    return true;
  });
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(iq("get", "", "jabber:iq:roster"));
  alice->sendToServer(iq("get", "alice@example.test", "jabber:iq:roster"));
  EXPECT_EQ(self, 2);
  EXPECT_EQ(alice->take().size(), 2U);
}

TEST_F(RouterTest, RemoteDomainWithoutS2sIsRemoteServerNotFound) {
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(message("someone@elsewhere.test"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "remote-server-not-found");
}

TEST_F(RouterTest, MalformedToIsJidMalformed) {
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(message("a@b@c"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "jid-malformed");
}

TEST_F(RouterTest, ErrorsAreNeverAnsweredWithErrors) {
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(message("nobody@example.test", "error"));
  alice->sendToServer(iq("error", "example.test", "urn:example:x"));
  EXPECT_TRUE(alice->take().empty());
}

TEST_F(RouterTest, IqToAnAbsentFullJidIsServiceUnavailable) {
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(iq("get", "bob@example.test/nowhere", "urn:xmpp:ping"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");
}

TEST_F(RouterTest, HigherPriorityHandlerStopsDispatch) {
  std::string order;
  t.server->hooks().stanzas.hook("pre-message/bare", [&](StanzaEvent&) {
    order += "low";
    return false;
  });
  t.server->hooks().stanzas.hook(
      "pre-message/bare",
      [&](StanzaEvent&) {
        order += "high;";
        return true;
      },
      10);
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(message("bob@example.test"));
  EXPECT_EQ(order, "high;");
}

TEST_F(RouterTest, ComponentDomainGetsItsStanzasAndNeverGoesRemote) {
  ASSERT_TRUE(t.server->addComponentDomain("conference.example.test"));
  EXPECT_FALSE(t.server->addComponentDomain("conference.example.test"));
  EXPECT_FALSE(t.server->addComponentDomain("example.test"));
  bool remote = false;
  t.server->hooks().stanzas.hook("route/remote", [&](StanzaEvent&) { return remote = true; });
  std::vector<std::string> seen;
  t.server->hooks().stanzas.hook("component/conference.example.test", [&](StanzaEvent& e) {
    seen.push_back(std::string(e.to.full()) + " from " + std::string(e.from.full()));
    return true;
  });
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(message("room@conference.example.test", "groupchat"));
  xml::Element presence("presence", std::string(xmpp::ns::client));
  presence.setAttr("to", "room@conference.example.test/nick");
  alice->sendToServer(std::move(presence));
  t.server->route(message("room@conference.example.test/x"));  // from the server itself
  EXPECT_EQ(seen,
            (std::vector<std::string>{"room@conference.example.test from alice@example.test/a",
                                      "room@conference.example.test/nick from alice@example.test/a",
                                      "room@conference.example.test/x from "}));
  EXPECT_FALSE(remote);
}

TEST(ComponentHost, AComponentBelongsToTheHostItIsASubdomainOfOrTheOneNamed) {
  TestServer t({"example.test", "other.test"});
  ASSERT_TRUE(t.server->addComponentDomain("conference.other.test"));
  ASSERT_TRUE(t.server->addComponentDomain("rooms.elsewhere.test"));  // no parent: the first host
  ASSERT_TRUE(t.server->addComponentDomain("chat.elsewhere.test", "other.test"));
  EXPECT_FALSE(t.server->addComponentDomain("x.elsewhere.test", "nobody.test"));
  // "fooother.test" is not a subdomain of "other.test".
  ASSERT_TRUE(t.server->addComponentDomain("fooother.test"));
  EXPECT_EQ(t.server->hostOf("conference.other.test"), "other.test");
  EXPECT_EQ(t.server->hostOf("rooms.elsewhere.test"), "example.test");
  EXPECT_EQ(t.server->hostOf("chat.elsewhere.test"), "other.test");
  EXPECT_EQ(t.server->hostOf("fooother.test"), "example.test");
  EXPECT_EQ(t.server->hostOf("other.test"), "other.test");
  EXPECT_EQ(t.server->hostOf("unknown.test"), "");
  EXPECT_EQ(t.server->componentDomains(),
            (std::vector<std::string>{"conference.other.test", "rooms.elsewhere.test",
                                      "chat.elsewhere.test", "fooother.test"}));
}

TEST_F(RouterTest, UnhandledComponentRequestIsServiceUnavailable) {
  ASSERT_TRUE(t.server->addComponentDomain("conference.example.test"));
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(iq("get", "conference.example.test", xmpp::ns::discoInfo));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");
}

}  // namespace
}  // namespace keyfed::server
