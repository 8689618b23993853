// XEP-0198 against a TestServer: enabling, counting both ways, acks, and
// what happens to unacknowledged stanzas when the session ends unresumed.
// Resumption itself needs two connections and is tested end to end
// (tests/e2e/test_stream_management.py).
#include <gtest/gtest.h>

#include "keyfed/config/minimal_config.hpp"
#include "keyfed/modules/offline.hpp"
#include "keyfed/modules/sm.hpp"
#include "keyfed/modules/sm_config.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "sm_stream.hpp"

namespace keyfed::modules {
namespace {

using server::TestClientSession;
using sm::kSmNs;

xml::Element sm(std::string_view name, std::string_view h = {}) {
  xml::Element e{std::string(name), std::string(kSmNs)};
  if (!h.empty()) e.setAttr("h", h);
  return e;
}

class SmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeOfflineModule());
    modules.push_back(makeSmModule());
    ASSERT_TRUE(ts.start(std::move(modules)));
    ts.addUser("juliet", "example.test");
    ts.addUser("romeo", "example.test");
    juliet = ts.connect("juliet", "example.test", "phone");
    juliet->presence.available = true;
    romeo = ts.connect("romeo", "example.test", "balcony");
  }

  // Sends <enable/> and returns the answer.
  xml::Element enable(std::string_view resume = "true") {
    auto e = sm("enable");
    if (!resume.empty()) e.setAttr("resume", resume);
    EXPECT_TRUE(juliet->sendNonza(e));
    auto got = juliet->take();
    EXPECT_EQ(got.size(), 1u);
    return got.empty() ? xml::Element() : got[0];
  }

  static std::vector<std::string> names(const std::vector<xml::Element>& stanzas) {
    std::vector<std::string> out;
    out.reserve(stanzas.size());
    for (const auto& s : stanzas) out.push_back(s.name());
    return out;
  }

  server::TestServer ts;
  std::unique_ptr<TestClientSession> juliet, romeo;
};

TEST_F(SmTest, EnableAnswersWithAResumptionIdAndWindow) {
  auto enabled = enable();
  EXPECT_TRUE(enabled.is("enabled", kSmNs));
  EXPECT_EQ(enabled.attr("resume"), "true");
  EXPECT_EQ(enabled.attr("id").size(), 24u);
  EXPECT_EQ(enabled.attr("max"), "300");
}

TEST_F(SmTest, EnableWithoutResumeHasNoId) {
  auto enabled = enable("");
  EXPECT_TRUE(enabled.is("enabled", kSmNs));
  EXPECT_FALSE(enabled.hasAttr("id"));
}

TEST_F(SmTest, EnablingTwiceFails) {
  enable();
  EXPECT_TRUE(juliet->sendNonza(sm("enable")));
  auto got = juliet->take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].is("failed", kSmNs));
  EXPECT_NE(got[0].child("unexpected-request", xmpp::ns::stanzas), nullptr);
}

TEST_F(SmTest, AckRequestsAreRefusedBeforeEnable) {
  EXPECT_FALSE(juliet->sendNonza(sm("r")));
}

TEST_F(SmTest, ServerCountsWhatTheClientSent) {
  enable();
  juliet->sendToServer(server::makeMessage("romeo@example.test", "one"));
  juliet->sendToServer(server::makeMessage("romeo@example.test", "two"));
  ASSERT_TRUE(juliet->sendNonza(sm("r")));
  auto got = juliet->take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].is("a", kSmNs));
  EXPECT_EQ(got[0].attr("h"), "2");
}

TEST_F(SmTest, ServerRequestsAnAckOncePerBurst) {
  enable();
  romeo->sendToServer(server::makeMessage("juliet@example.test/phone", "one"));
  romeo->sendToServer(server::makeMessage("juliet@example.test/phone", "two"));
  ts.poll();
  EXPECT_EQ(names(juliet->take()), (std::vector<std::string>{"message", "message", "r"}));
}

TEST_F(SmTest, AckTooHighEndsTheStream) {
  enable();
  romeo->sendToServer(server::makeMessage("juliet@example.test/phone", "one"));
  EXPECT_TRUE(juliet->sendNonza(sm("a", "1")));
  EXPECT_FALSE(juliet->closedWith.has_value());
  EXPECT_TRUE(juliet->sendNonza(sm("a", "5")));
  EXPECT_EQ(juliet->closedWith, xmpp::StreamErrorCondition::undefinedCondition);
}

TEST_F(SmTest, UnacknowledgedMessagesGoOfflineWhenTheSessionEnds) {
  enable();
  romeo->sendToServer(server::makeMessage("juliet@example.test/phone", "acked"));
  ASSERT_TRUE(juliet->sendNonza(sm("a", "1")));
  romeo->sendToServer(server::makeMessage("juliet@example.test/phone", "lost in the air"));
  romeo->sendToServer(
      server::makeMessage("juliet@example.test/phone", ""));  // without a body: stale
  juliet.reset();                                             // the session ends without resumption
  auto stored = ts.storage->offline().take("juliet", "example.test");
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_NE((*stored)[0].stanza.find("lost in the air"), std::string::npos);
}

TEST_F(SmTest, UnacknowledgedIqRequestsAreBounced) {
  enable();
  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", "get");
  iq.setAttr("id", "v1");
  iq.setAttr("to", "juliet@example.test/phone");
  iq.addChild("query", "jabber:iq:version");
  romeo->sendToServer(iq);
  romeo->take();
  juliet.reset();
  auto got = romeo->take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(xmpp::stanzaType(got[0]), "error");
  EXPECT_EQ(got[0].attr("id"), "v1");
}

TEST_F(SmTest, TooManyUnackedEndsTheSessionWithoutLosingThem) {
  enable("");
  for (int i = 0; i < 1001; ++i) {
    romeo->sendToServer(server::makeMessage("juliet@example.test/phone", "m" + std::to_string(i)));
  }
  EXPECT_EQ(juliet->closedWith, xmpp::StreamErrorCondition::resourceConstraint);
  romeo->take();
  juliet.reset();
  // Offline storage keeps 1000 per user (limits.offline_per_user); the one beyond is bounced.
  auto stored = ts.storage->offline().take("juliet", "example.test");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size(), 1000u);
  auto bounced = romeo->take();
  ASSERT_EQ(bounced.size(), 1u);
  EXPECT_EQ(xmpp::stanzaType(bounced[0]), "error");
  EXPECT_EQ(bounced[0].childText("body", xmpp::ns::client), "m1000");
}

TEST_F(SmTest, ResumeOfAnUnknownIdFails) {
  auto fresh = ts.connect("juliet", "example.test", "other");
  // A bound session may not resume; an unknown id is item-not-found.
  auto resume = sm("resume", "0");
  resume.setAttr("previd", "nope");
  EXPECT_TRUE(fresh->sendNonza(resume));
  auto got = fresh->take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].is("failed", kSmNs));
}

TEST_F(SmTest, ConnectionLossKeepsOnlyResumableSessions) {
  enable("");
  EXPECT_FALSE(juliet->keptAfterConnectionLoss());
}

TEST(SmConfigTest, ParsesAndBoundsTheSection) {
  config::SectionRegistry registry;
  ASSERT_TRUE(registerSmConfig(registry));
  auto loaded = config::loadConfigFromString(
      config::minimalConfigText() + "[stream_management]\nresume_timeout = 60\nmax_unacked = 50\n",
      "/tmp/keyfed.toml", registry);
  ASSERT_TRUE(loaded) << loaded.error().describe();
  const auto c = smConfig(*loaded);
  EXPECT_EQ(c.resumeTimeout.count(), 60);
  EXPECT_EQ(c.maxUnacked, 50u);
  auto bad = config::loadConfigFromString(
      config::minimalConfigText() + "[stream_management]\nmax_unacked = 1\n", "/tmp/keyfed.toml",
      registry);
  EXPECT_FALSE(bad);
}

}  // namespace
}  // namespace keyfed::modules
