// XEP-0054 vcard-temp as a client sees it: publish, read own and others', limits.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "keyfed/modules/vcard.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using server::TestClientSession;
namespace ns = xmpp::ns;

xml::Element vcardIq(std::string_view type, std::string_view to, xml::Element card) {
  xml::Element iq("iq", std::string(ns::client));
  iq.setAttr("type", type);
  iq.setAttr("id", "v1");
  if (!to.empty()) iq.setAttr("to", to);
  iq.addChild(std::move(card));
  return iq;
}

xml::Element card(std::string_view fn, std::string_view nick = {}) {
  xml::Element c("vCard", std::string(ns::vcard));
  c.addChild("FN", std::string(ns::vcard)).addText(fn);
  if (!nick.empty()) c.addChild("NICKNAME", std::string(ns::vcard)).addText(nick);
  return c;
}

xml::Element emptyCard() {
  return xml::Element("vCard", std::string(ns::vcard));
}

std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

// Sends an iq as `client` and returns its one answer.
xml::Element ask(TestClientSession& client, xml::Element iq) {
  client.sendToServer(std::move(iq));
  auto got = client.take();
  EXPECT_EQ(got.size(), 1U);
  return got.empty() ? xml::Element() : got.front();
}

class VCardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t.addUser("alice", "example.test");
    t.addUser("bob", "example.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeVCardModule());
    ASSERT_TRUE(t.start(std::move(modules)));
    alice = t.connect("alice", "example.test", "a");
    bob = t.connect("bob", "example.test", "b");
  }

  server::TestServer t;
  std::unique_ptr<TestClientSession> alice;
  std::unique_ptr<TestClientSession> bob;
};

TEST_F(VCardTest, OwnerPublishesAndEveryoneReads) {
  auto set = ask(*alice, vcardIq("set", "", card("Alice Example", "al")));
  EXPECT_EQ(set.attr("type"), "result");
  EXPECT_EQ(set.attr("id"), "v1");

  auto own = ask(*alice, vcardIq("get", "", emptyCard()));
  ASSERT_EQ(own.attr("type"), "result");
  const auto* ownCard = own.child("vCard", ns::vcard);
  ASSERT_NE(ownCard, nullptr);
  EXPECT_EQ(ownCard->childText("FN", ns::vcard), "Alice Example");

  auto theirs = ask(*bob, vcardIq("get", "alice@example.test", emptyCard()));
  ASSERT_EQ(theirs.attr("type"), "result");
  EXPECT_EQ(theirs.attr("from"), "alice@example.test");
  EXPECT_EQ(theirs.attr("to"), "bob@example.test/b");
  const auto* theirCard = theirs.child("vCard", ns::vcard);
  ASSERT_NE(theirCard, nullptr);
  EXPECT_EQ(theirCard->childText("NICKNAME", ns::vcard), "al");
}

TEST_F(VCardTest, OwnBareJidAddressesTheOwnCard) {
  ask(*alice, vcardIq("set", "alice@example.test", card("Via bare")));
  auto own = ask(*alice, vcardIq("get", "alice@example.test", emptyCard()));
  ASSERT_EQ(own.attr("type"), "result");
  EXPECT_EQ(own.child("vCard", ns::vcard)->childText("FN", ns::vcard), "Via bare");
}

TEST_F(VCardTest, CardKeepsStructureAttributesAndEscapedText) {
  xml::Element c("vCard", std::string(ns::vcard));
  c.addChild("FN", std::string(ns::vcard)).addText("A & B <C> 'quoted' \"x\"");
  auto& photo = c.addChild("PHOTO", std::string(ns::vcard));
  photo.addChild("TYPE", std::string(ns::vcard)).addText("image/png");
  photo.addChild("BINVAL", std::string(ns::vcard)).addText("iVBORw0KGgo=");
  c.addChild("X-CUSTOM", "urn:example:ext").setAttr("lang", "fr");
  const xml::Element sent = c;
  ask(*alice, vcardIq("set", "", std::move(c)));

  auto got = ask(*bob, vcardIq("get", "alice@example.test", emptyCard()));
  const auto* stored = got.child("vCard", ns::vcard);
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(*stored, sent);
}

TEST_F(VCardTest, UserWithoutCardGetsAnEmptyOne) {
  auto got = ask(*alice, vcardIq("get", "bob@example.test", emptyCard()));
  ASSERT_EQ(got.attr("type"), "result");
  const auto* c = got.child("vCard", ns::vcard);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->childCount(), 0U);
}

TEST_F(VCardTest, UnknownAccountIsServiceUnavailable) {
  auto got = ask(*alice, vcardIq("get", "nobody@example.test", emptyCard()));
  EXPECT_EQ(got.attr("type"), "error");
  EXPECT_EQ(errorCondition(got), "service-unavailable");
}

TEST_F(VCardTest, NobodyWritesSomeoneElsesCard) {
  ask(*alice, vcardIq("set", "", card("Alice Example")));
  auto refused = ask(*bob, vcardIq("set", "alice@example.test", card("Mallory")));
  EXPECT_EQ(refused.attr("type"), "error");
  EXPECT_EQ(errorCondition(refused), "forbidden");
  // Same answer for an account that does not exist: nothing to learn from it.
  auto absent = ask(*bob, vcardIq("set", "nobody@example.test", card("Mallory")));
  EXPECT_EQ(errorCondition(absent), "forbidden");

  auto got = ask(*bob, vcardIq("get", "alice@example.test", emptyCard()));
  EXPECT_EQ(got.child("vCard", ns::vcard)->childText("FN", ns::vcard), "Alice Example");
}

TEST_F(VCardTest, OversizedCardIsRefusedAndTheOldOneKept) {
  ask(*alice, vcardIq("set", "", card("Small")));
  const std::size_t limit = t.storage->limits().vcardBytes;
  auto big = card(std::string(limit, 'x'));
  auto refused = ask(*alice, vcardIq("set", "", std::move(big)));
  EXPECT_EQ(refused.attr("type"), "error");
  EXPECT_EQ(errorCondition(refused), "not-acceptable");

  auto got = ask(*alice, vcardIq("get", "", emptyCard()));
  EXPECT_EQ(got.child("vCard", ns::vcard)->childText("FN", ns::vcard), "Small");
}

TEST_F(VCardTest, PublishingAnEmptyCardRemovesIt) {
  ask(*alice, vcardIq("set", "", card("Alice Example")));
  auto cleared = ask(*alice, vcardIq("set", "", emptyCard()));
  EXPECT_EQ(cleared.attr("type"), "result");
  auto stored = t.storage->vcards().get("alice", "example.test");
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_value());
  auto got = ask(*bob, vcardIq("get", "alice@example.test", emptyCard()));
  EXPECT_EQ(got.child("vCard", ns::vcard)->childCount(), 0U);
}

TEST_F(VCardTest, OtherElementsOfTheNamespaceAreBadRequests) {
  auto got = ask(*alice, vcardIq("get", "", xml::Element("query", std::string(ns::vcard))));
  EXPECT_EQ(errorCondition(got), "bad-request");
  got = ask(*alice, vcardIq("set", "", xml::Element("query", std::string(ns::vcard))));
  EXPECT_EQ(errorCondition(got), "bad-request");
}

TEST_F(VCardTest, ServerAdvertisesVCardTemp) {
  const auto& features = t.server->disco().serverFeatures();
  EXPECT_NE(std::find(features.begin(), features.end(), std::string(ns::vcard)), features.end());
}

}  // namespace
}  // namespace keyfed::modules
