// XEP-0092 against a TestServer.
#include <gtest/gtest.h>

#include "keyfed/modules/version.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

xml::Element iq(std::string_view to, std::string_view name, std::string_view ns) {
  xml::Element q("iq", std::string(xmpp::ns::client));
  q.setAttr("type", "get");
  q.setAttr("id", "v1");
  if (!to.empty()) q.setAttr("to", to);
  q.addChild(std::string(name), std::string(ns));
  return q;
}

class VersionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t.addUser("alice", "example.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeVersionModule());
    ASSERT_TRUE(t.start(std::move(modules)));
    alice = t.connect("alice", "example.test", "a");
  }
  server::TestServer t;
  std::unique_ptr<server::TestClientSession> alice;
};

TEST_F(VersionTest, ServerReportsNameAndVersionButNoOs) {
  alice->sendToServer(iq("example.test", "query", xmpp::ns::version));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "result");
  EXPECT_EQ(got[0].attr("from"), "example.test");
  const xml::Element* query = got[0].child("query", xmpp::ns::version);
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query->childText("name", xmpp::ns::version), "keyfed");
  EXPECT_EQ(query->childText("version", xmpp::ns::version), server::serverVersion());
  EXPECT_FALSE(query->childText("version", xmpp::ns::version).empty());
  EXPECT_EQ(query->child("os", xmpp::ns::version), nullptr);
}

TEST_F(VersionTest, FeatureIsAdvertised) {
  const auto& features = t.server->disco().serverFeatures();
  EXPECT_NE(std::find(features.begin(), features.end(), xmpp::ns::version), features.end());
}

TEST_F(VersionTest, VersionOfAnAccountIsNotAnsweredByTheServer) {
  // Software version is a property of a client: the router's defaults apply.
  alice->sendToServer(iq("alice@example.test", "query", xmpp::ns::version));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "error");
}

}  // namespace
}  // namespace keyfed::modules
