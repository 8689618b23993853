// XEP-0160 against a TestServer: messages to an offline account are kept and
// reach its next resource that comes online. The presence module is not
// loaded here; comeOnline() does what it does when a resource sends its
// first available presence.
#include <gtest/gtest.h>

#include <chrono>

#include "keyfed/modules/offline.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/storage/sqlite/sqlite_storage.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using server::TestClientSession;

constexpr std::string_view kStart = "2023-11-14T22:13:20Z";  // FakeClock's start

xml::Element message(std::string_view to, std::string_view body, std::string_view type = "chat") {
  xml::Element m("message", std::string(xmpp::ns::client));
  m.setAttr("to", to);
  if (!type.empty()) m.setAttr("type", type);
  if (!body.empty()) m.addChild("body", std::string(xmpp::ns::client)).addText(body);
  return m;
}

std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

std::string errorText(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? error->text : std::string();
}

std::string body(const xml::Element& m) {
  return m.childText("body", xmpp::ns::client);
}

// The stamps of the message's <delay/> elements from `from`.
std::vector<std::string> delayStamps(const xml::Element& m, std::string_view from) {
  std::vector<std::string> out;
  for (const auto& d : m.children("delay", xmpp::ns::delay)) {
    if (d.attr("from") == from) out.emplace_back(d.attr("stamp"));
  }
  return out;
}

std::vector<std::unique_ptr<server::Module>> offlineModule() {
  std::vector<std::unique_ptr<server::Module>> modules;
  modules.push_back(makeOfflineModule());
  return modules;
}

// What the presence module does on a resource's first available presence.
void comeOnline(server::Server& server, TestClientSession& session, int priority = 0) {
  session.presence.available = true;
  session.presence.priority = priority;
  server::SessionEvent event{server, session};
  server.hooks().sessions.fire("initial-presence", event);
}

class OfflineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t.addUser("alice", "example.test");
    t.addUser("bob", "example.test");
    ASSERT_TRUE(t.start(offlineModule()));
    alice = t.connect("alice", "example.test", "a");
    comeOnline(*t.server, *alice);
  }
  std::uint64_t stored(std::string_view user) {
    auto count = t.storage->offline().count(user, "example.test");
    return count ? *count : 999;
  }
  server::TestServer t;
  std::unique_ptr<TestClientSession> alice;
};

TEST_F(OfflineTest, StoredWhileOfflineAndDeliveredInOrderWithDelay) {
  alice->sendToServer(message("bob@example.test", "while you were away"));
  t.clock.advance(std::chrono::seconds(90));
  alice->sendToServer(message("bob@example.test", "second one", "normal"));
  EXPECT_TRUE(alice->take().empty());  // stored, not bounced
  EXPECT_EQ(stored("bob"), 2U);

  auto bob = t.connect("bob", "example.test", "b");
  EXPECT_TRUE(bob->take().empty());  // binding alone delivers nothing
  comeOnline(*t.server, *bob);
  auto got = bob->take();
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(body(got[0]), "while you were away");
  EXPECT_EQ(got[0].attr("from"), "alice@example.test/a");
  EXPECT_EQ(got[0].attr("to"), "bob@example.test");
  EXPECT_EQ(got[0].attr("type"), "chat");
  EXPECT_EQ(delayStamps(got[0], "example.test"), std::vector<std::string>{std::string(kStart)});
  EXPECT_EQ(body(got[1]), "second one");
  EXPECT_EQ(got[1].attr("type"), "normal");
  EXPECT_EQ(delayStamps(got[1], "example.test"), std::vector<std::string>{"2023-11-14T22:14:50Z"});
}

TEST_F(OfflineTest, DeliveredOnlyOnce) {
  alice->sendToServer(message("bob@example.test", "once"));
  auto first = t.connect("bob", "example.test", "first");
  comeOnline(*t.server, *first);
  EXPECT_EQ(first->take().size(), 1U);
  auto second = t.connect("bob", "example.test", "second");
  comeOnline(*t.server, *second);
  EXPECT_TRUE(second->take().empty());
  EXPECT_EQ(stored("bob"), 0U);
}

TEST_F(OfflineTest, NegativePriorityPresenceLeavesThemStored) {
  alice->sendToServer(message("bob@example.test", "for a real client"));
  auto hidden = t.connect("bob", "example.test", "hidden");
  comeOnline(*t.server, *hidden, -1);
  EXPECT_TRUE(hidden->take().empty());
  EXPECT_EQ(stored("bob"), 1U);
  // RFC 6121 8.5.2.1.1: with only negative-priority resources the account
  // counts as offline for messages to its bare JID.
  alice->sendToServer(message("bob@example.test", "another"));
  EXPECT_TRUE(hidden->take().empty());
  EXPECT_EQ(stored("bob"), 2U);
  auto phone = t.connect("bob", "example.test", "phone");
  comeOnline(*t.server, *phone, 0);
  EXPECT_EQ(phone->take().size(), 2U);
}

TEST_F(OfflineTest, MessageToAnAbsentResourceIsStored) {
  alice->sendToServer(message("bob@example.test/laptop", "to the laptop"));
  EXPECT_TRUE(alice->take().empty());
  auto bob = t.connect("bob", "example.test", "phone");
  comeOnline(*t.server, *bob);
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(body(got[0]), "to the laptop");
}

TEST_F(OfflineTest, HeadlineGroupchatAndErrorAreNotStored) {
  alice->sendToServer(message("bob@example.test", "news", "headline"));
  alice->sendToServer(message("bob@example.test", "room", "groupchat"));
  alice->sendToServer(message("bob@example.test", "oops", "error"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);  // groupchat to a user is an error (RFC 6121 8.5.2.1.1)
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");
  EXPECT_EQ(stored("bob"), 0U);
}

TEST_F(OfflineTest, ChatStatesAloneAreDroppedQuietly) {
  auto typing = message("bob@example.test", "");
  typing.addChild("composing", "http://jabber.org/protocol/chatstates");
  alice->sendToServer(std::move(typing));
  EXPECT_TRUE(alice->take().empty());
  EXPECT_EQ(stored("bob"), 0U);
}

TEST_F(OfflineTest, NoStoreHintIsHonoured) {
  auto secret = message("bob@example.test", "ephemeral");
  secret.addChild("no-store", "urn:xmpp:hints");
  alice->sendToServer(std::move(secret));
  EXPECT_TRUE(alice->take().empty());
  EXPECT_EQ(stored("bob"), 0U);
}

TEST_F(OfflineTest, ADelayClaimingToBeFromThisServerIsReplacedOthersAreKept) {
  auto m = message("bob@example.test", "backdated");
  m.addChild("delay", std::string(xmpp::ns::delay))
      .setAttr("from", "example.test")
      .setAttr("stamp", "1999-01-01T00:00:00Z");
  m.addChild("delay", std::string(xmpp::ns::delay))
      .setAttr("from", "elsewhere.test")
      .setAttr("stamp", "2023-11-14T22:00:00Z");
  alice->sendToServer(std::move(m));
  auto bob = t.connect("bob", "example.test", "b");
  comeOnline(*t.server, *bob);
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(delayStamps(got[0], "example.test"), std::vector<std::string>{std::string(kStart)});
  EXPECT_EQ(delayStamps(got[0], "elsewhere.test"),
            std::vector<std::string>{"2023-11-14T22:00:00Z"});
}

TEST_F(OfflineTest, MessagesSurviveAServerRestart) {
  alice->sendToServer(message("bob@example.test", "durable"));
  alice.reset();
  t.server = std::make_unique<server::Server>(t.config, *t.storage, t.loop, t.clock);
  ASSERT_TRUE(t.start(offlineModule()));
  auto bob = t.connect("bob", "example.test", "b");
  comeOnline(*t.server, *bob);
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(body(got[0]), "durable");
}

TEST_F(OfflineTest, FeatureIsAdvertised) {
  const auto& features = t.server->disco().serverFeatures();
  EXPECT_NE(std::find(features.begin(), features.end(), xmpp::ns::offline), features.end());
}

// A TestServer whose storage keeps at most two offline messages per user.
TEST(OfflineQuotaTest, FullStorageBouncesServiceUnavailableWithAText) {
  server::TestServer t;
  t.server.reset();
  storage::SqliteOptions options;
  options.path = t.dir / "data" / "quota.db";
  options.connections = 1;
  options.limits.offlinePerUser = 2;
  auto opened = storage::openSqlite(options);
  ASSERT_TRUE(opened);
  t.storage = std::move(*opened);
  t.server = std::make_unique<server::Server>(t.config, *t.storage, t.loop, t.clock);
  t.addUser("alice", "example.test");
  t.addUser("bob", "example.test");
  ASSERT_TRUE(t.start(offlineModule()));
  auto alice = t.connect("alice", "example.test", "a");
  for (const char* text : {"one", "two", "three"}) {
    alice->sendToServer(message("bob@example.test", text));
  }
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "error");
  EXPECT_EQ(got[0].attr("from"), "bob@example.test");
  EXPECT_EQ(body(got[0]), "three");
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");
  EXPECT_FALSE(errorText(got[0]).empty());
  auto bob = t.connect("bob", "example.test", "b");
  comeOnline(*t.server, *bob);
  got = bob->take();
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(body(got[0]), "one");
  EXPECT_EQ(body(got[1]), "two");
}

TEST(OfflineDisabledTest, ZeroLimitBouncesAndDoesNotAdvertiseButDeliversLeftovers) {
  server::TestServer t({"example.test"}, "[limits]\noffline_per_user = 0\n");
  t.addUser("alice", "example.test");
  t.addUser("bob", "example.test");
  // Stored before the limit was set to 0.
  const std::string old =
      "<message xmlns='jabber:client' to='bob@example.test' from='carol@example.test/c'>"
      "<body>from before</body></message>";
  ASSERT_TRUE(t.storage->offline().store("bob", "example.test", old, t.clock.now()));
  ASSERT_TRUE(t.start(offlineModule()));
  const auto& features = t.server->disco().serverFeatures();
  EXPECT_EQ(std::find(features.begin(), features.end(), xmpp::ns::offline), features.end());

  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(message("bob@example.test", "not kept"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");

  auto bob = t.connect("bob", "example.test", "b");
  comeOnline(*t.server, *bob);
  got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(body(got[0]), "from before");
}

}  // namespace
}  // namespace keyfed::modules
