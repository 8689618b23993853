// XEP-0199 against a TestServer: what a client pinging the server sees.
#include <gtest/gtest.h>

#include "keyfed/modules/ping.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

xml::Element iq(std::string_view type, std::string_view to, std::string_view name,
                std::string_view ns) {
  xml::Element q("iq", std::string(xmpp::ns::client));
  q.setAttr("type", type);
  q.setAttr("id", "p1");
  if (!to.empty()) q.setAttr("to", to);
  q.addChild(std::string(name), std::string(ns));
  return q;
}

std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

class PingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t.addUser("alice", "example.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makePingModule());
    ASSERT_TRUE(t.start(std::move(modules)));
    alice = t.connect("alice", "example.test", "a");
  }
  server::TestServer t;
  std::unique_ptr<server::TestClientSession> alice;
};

TEST_F(PingTest, ServerAnswersPingWithEmptyResult) {
  alice->sendToServer(iq("get", "example.test", "ping", xmpp::ns::ping));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "result");
  EXPECT_EQ(got[0].attr("id"), "p1");
  EXPECT_EQ(got[0].attr("from"), "example.test");
  EXPECT_EQ(got[0].attr("to"), "alice@example.test/a");
  EXPECT_EQ(got[0].childCount(), 0U);
}

TEST_F(PingTest, FeatureIsAdvertised) {
  const auto& features = t.server->disco().serverFeatures();
  EXPECT_NE(std::find(features.begin(), features.end(), xmpp::ns::ping), features.end());
}

TEST_F(PingTest, PingSetAndOtherElementsAreServiceUnavailable) {
  alice->sendToServer(iq("set", "example.test", "ping", xmpp::ns::ping));
  alice->sendToServer(iq("get", "example.test", "pong", xmpp::ns::ping));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");
  EXPECT_EQ(errorCondition(got[1]), "service-unavailable");
}

TEST_F(PingTest, PingToAClientIsRoutedToItAndNotAnsweredByTheServer) {
  auto other = t.connect("alice", "example.test", "b");
  alice->sendToServer(iq("get", "alice@example.test/b", "ping", xmpp::ns::ping));
  EXPECT_TRUE(alice->take().empty());
  auto got = other->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "get");
}

}  // namespace
}  // namespace keyfed::modules
