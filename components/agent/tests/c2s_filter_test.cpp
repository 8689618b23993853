// Packet filters between local users (c2s_filter_module.cpp) and the audit
// log caps (audit_caps_module.cpp), on a TestServer with real SQLite.

#include <gtest/gtest.h>

#include <thread>

#include "agent_test_support.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::agent {
namespace {

using namespace testing;

std::string nobodysPolicy() {
  return policyFor("TargetAdmin", "App_domain == \"none\";");
}

xml::Element chat(std::string_view to, std::string_view body) {
  xml::Element m("message", std::string(xmpp::ns::client));
  m.setAttr("type", "chat").setAttr("to", to);
  m.addChild("body", std::string(xmpp::ns::client)).addText(body);
  return m;
}

policy::PacketRule rule(policy::FilterAction action, policy::Party source,
                        policy::Party destination, std::string kind = "message") {
  policy::PacketRule r;
  r.action = action;
  r.stanzaKind = std::move(kind);
  r.source = std::move(source);
  r.destination = std::move(destination);
  return r;
}

class LocalFilterTest : public ::testing::Test {
 protected:
  void start(AgentConfig config = {}) {
    base::configureLogging(base::LogLevel::warn);
    server_ = std::make_unique<server::TestServer>(std::vector<std::string>{"target.test"});
    config.enabled = true;
    config.policyAssertions = {nobodysPolicy()};
    config.groups = {{"staff", {"boss@target.test"}}};
    server_->config.sections[std::string(kSectionName)] = config;
    auto agentModule = makeAgentModule();
    module_ = agentModule.get();
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(std::move(agentModule));
    modules.push_back(makeC2sFilterModule(*module_));
    modules.push_back(makeAuditCapsModule());
    ASSERT_TRUE(server_->start(std::move(modules)).has_value());
    for (const char* user : {"alice", "bob", "boss"}) server_->addUser(user, "target.test");
    alice_ = server_->connect("alice", "target.test", "a");
    bob_ = server_->connect("bob", "target.test", "b");
    boss_ = server_->connect("boss", "target.test", "c");
    for (auto* s : {alice_.get(), bob_.get(), boss_.get()}) {
      s->presence.available = true;  // what the presence module (not loaded here) records
      s->presence.priority = 0;
    }
  }

  std::int64_t add(const policy::PacketRule& r) {
    auto added = module_->agent()->addEntries({r}, std::nullopt, "admin");
    EXPECT_TRUE(added.has_value());
    return added ? added->front().id : 0;
  }

  static std::size_t messages(const std::vector<xml::Element>& got, std::string_view type = "") {
    std::size_t n = 0;
    for (const auto& s : got) {
      if (s.name() == "message" && xmpp::stanzaType(s) == (type.empty() ? "chat" : type)) ++n;
    }
    return n;
  }

  std::unique_ptr<server::TestServer> server_;
  AgentModule* module_ = nullptr;
  std::unique_ptr<server::TestClientSession> alice_, bob_, boss_;
};

TEST_F(LocalFilterTest, ARejectRuleNamingAUserBouncesBetweenLocalUsers) {
  start();
  add(rule(policy::FilterAction::reject, {policy::PartyKind::user, "alice@target.test"},
           {policy::PartyKind::user, "bob@target.test"}));
  alice_->sendToServer(chat("bob@target.test", "hi"));
  EXPECT_EQ(messages(bob_->take()), 0U);
  auto back = alice_->take();
  ASSERT_EQ(messages(back, "error"), 1U);
  EXPECT_EQ(xmpp::parseStanzaError(back.back())->condition,
            xmpp::StanzaErrorCondition::policyViolation);
  // Other direction, other users, and the user's own account are not filtered.
  bob_->sendToServer(chat("alice@target.test", "back"));
  EXPECT_EQ(messages(alice_->take()), 1U);
  alice_->sendToServer(chat("boss@target.test", "hi boss"));
  EXPECT_EQ(messages(boss_->take()), 1U);
  alice_->sendToServer(chat("alice@target.test/a", "self"));
  EXPECT_EQ(messages(alice_->take()), 1U);
}

TEST_F(LocalFilterTest, AGroupDropIsSilentAndDomainRulesStayOnS2s) {
  start();
  add(rule(policy::FilterAction::drop, {policy::PartyKind::domain, "target.test"},
           {policy::PartyKind::any, ""}));
  boss_->sendToServer(chat("bob@target.test", "domain rule"));
  EXPECT_EQ(messages(bob_->take()), 1U);
  add(rule(policy::FilterAction::drop, {policy::PartyKind::group, "staff"},
           {policy::PartyKind::any, ""}));
  boss_->sendToServer(chat("bob@target.test", "dropped"));
  EXPECT_EQ(messages(bob_->take()), 0U);
  EXPECT_TRUE(boss_->take().empty());
}

TEST_F(LocalFilterTest, PresenceBroadcastByTheServerIsFilteredToo) {
  start();
  add(rule(policy::FilterAction::drop, {policy::PartyKind::user, "alice@target.test"},
           {policy::PartyKind::user, "bob@target.test"}, "presence"));
  xml::Element directed("presence", std::string(xmpp::ns::client));
  directed.setAttr("to", "bob@target.test/b");
  alice_->sendToServer(directed);
  EXPECT_TRUE(bob_->take().empty());
  // Server-generated on alice's behalf (no origin): filtered at delivery.
  xml::Element generated("presence", std::string(xmpp::ns::client));
  generated.setAttr("from", "alice@target.test/a").setAttr("to", "bob@target.test/b");
  server_->server->route(std::move(generated));
  EXPECT_TRUE(bob_->take().empty());
  xml::Element toBoss("presence", std::string(xmpp::ns::client));
  toBoss.setAttr("to", "boss@target.test/c");
  alice_->sendToServer(toBoss);
  EXPECT_EQ(boss_->take().size(), 1U);
}

TEST_F(LocalFilterTest, RevokingTheRuleLiftsItAtOnce) {
  start();
  const auto id =
      add(rule(policy::FilterAction::reject, {policy::PartyKind::user, "alice@target.test"},
               {policy::PartyKind::any, ""}, "any"));
  alice_->sendToServer(chat("bob@target.test", "before"));
  EXPECT_EQ(messages(bob_->take()), 0U);
  ASSERT_TRUE(module_->agent()->revoke(id, "admin").has_value());
  alice_->sendToServer(chat("bob@target.test", "after"));
  EXPECT_EQ(messages(bob_->take()), 1U);
}

TEST_F(LocalFilterTest, TheAuditLogIsPrunedToItsCapsAndThePruneIsAudited) {
  AgentConfig config;
  config.auditMaxRows = 5;
  config.auditMaxAge = std::chrono::days(0);
  config.auditPruneInterval = std::chrono::seconds(1);
  start(config);
  auto& audit = server_->storage->audit();
  for (int i = 0; i < 2500; ++i) {
    storage::AuditRecord r;
    r.at = server_->clock.now();
    r.event = "request";
    r.requestId = "r" + std::to_string(i);
    ASSERT_TRUE(audit.append(r).has_value());
  }
  // The first prune runs within a second; its batches follow on the loop.
  storage::AuditQuery all;
  all.limit = 10000;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (audit.query(all)->size() > 6 && std::chrono::steady_clock::now() < deadline) {
    server_->poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto left = *audit.query(all);
  ASSERT_EQ(left.size(), 6U);  // the newest five and the prune's own record
  EXPECT_EQ(left.front().event, "prune");
  EXPECT_NE(left.front().detail.find("removing 2495 record(s)"), std::string::npos)
      << left.front().detail;
  EXPECT_EQ(left.back().requestId, "r2495");
}

}  // namespace
}  // namespace keyfed::agent
