// The agent's handling of requests: verification before any query (forged
// signature, replay, stale timestamp, wrong target), refusals explained,
// grants applied with their expiry, audit records, expiry, restart.

#include "keyfed/agent/agent.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "agent_test_support.hpp"
#include "keyfed/storage/sqlite/sqlite_storage.hpp"

namespace keyfed::agent {
namespace {

using namespace testing;

std::string whitelistPolicy() {
  return policyFor("TargetAdmin",
                   "App_domain == \"XMPP\" && Request_Type == \"whitelist\" &&\n"
                   "            Server_IP_Address ~= \"^127\\\\.0\\\\.40\\\\.5[0-9]$\";");
}

class AgentTest : public AgentFixture {
 protected:
  void SetUp() override { startAgent({whitelistPolicy()}); }

  Request aliceAsks(std::string address, std::int64_t at, std::string validity = "600") {
    return request("KAlice",
                   {{"App_domain", "XMPP"},
                    {"Request_Type", "whitelist"},
                    {"Server_IP_Address", std::move(address)},
                    {"ValidityPeriod", std::move(validity)}},
                   {credential("TargetAdmin", "KAlice",
                               "App_domain == \"XMPP\" && Server_IP_Address == \"127.0.40.55\";")},
                   at);
  }
};

TEST_F(AgentTest, AGrantIsAppliedAuditedAndAllowsThePeer) {
  const auto r = aliceAsks("127.0.40.55", now());
  const Response answer = submit(r);
  ASSERT_EQ(answer.status, Status::granted) << answer.error.describe() << answer.explanation;
  EXPECT_EQ(answer.value, "true");
  ASSERT_EQ(answer.changes.size(), 1U);
  EXPECT_EQ(answer.changes[0].kind, storage::PolicyEntryKind::whitelist);
  ASSERT_TRUE(answer.expires.has_value());
  EXPECT_EQ(*answer.expires, server_->clock.now() + 600s);
  EXPECT_NE(answer.explanation.find("Chain 1"), std::string::npos) << answer.explanation;

  const auto decision = server_->server->policy().decideStream(
      peer("alice.test", "127.0.40.55", server_->clock.now()));
  EXPECT_TRUE(decision.allowed()) << decision.reason;
  EXPECT_EQ(decision.decider, "keynote-whitelist");

  auto trail = auditOf(answer.id);  // newest first
  ASSERT_EQ(trail.size(), 3U);
  EXPECT_EQ(trail[2].event, "request");
  EXPECT_EQ(trail[2].peer, "alice.test");
  EXPECT_EQ(trail[2].principal, key("KAlice").publicKey);
  EXPECT_EQ(trail[1].event, "decision");
  EXPECT_EQ(trail[1].outcome, "granted");
  EXPECT_EQ(trail[0].event, "change");
  EXPECT_EQ(trail[0].entryId, answer.changes[0].entry);

  // The JSON answer carries the same.
  auto json = answer.toJson();
  EXPECT_NE(json.find("\"status\":\"granted\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"expires_at\""), std::string::npos);
}

TEST_F(AgentTest, ARefusalIsExplainedAndChangesNothing) {
  const Response answer = submit(aliceAsks("127.0.40.56", now()));
  ASSERT_EQ(answer.status, Status::refused) << answer.error.describe();
  EXPECT_EQ(answer.value, "false");
  EXPECT_TRUE(answer.changes.empty());
  EXPECT_NE(answer.explanation.find("127.0.40.55"), std::string::npos) << answer.explanation;
  EXPECT_TRUE(agent().live().entries().empty());
  EXPECT_EQ(auditOf(answer.id)[0].outcome, "refused");
}

TEST_F(AgentTest, AForgedSignatureIsRefusedBeforeAnyQuery) {
  Request r = aliceAsks("127.0.40.55", now());
  r.attributes["Server_IP_Address"] = "127.0.40.57";  // changed after signing
  const Response answer = submit(r);
  EXPECT_EQ(answer.status, Status::invalid);
  EXPECT_EQ(answer.error.code, errc::kBadSignature);
  EXPECT_TRUE(agent().live().entries().empty());
  auto trail = auditOf(answer.id);
  ASSERT_EQ(trail.size(), 2U);
  EXPECT_EQ(trail[0].event, "invalid");
  EXPECT_EQ(trail[0].outcome, errc::kBadSignature);
}

TEST_F(AgentTest, AReplayedNonceIsRefused) {
  const Request r = aliceAsks("127.0.40.55", now());
  ASSERT_EQ(submit(r).status, Status::granted);
  server_->clock.advance(5s);
  const Response again = submit(r);
  EXPECT_EQ(again.status, Status::invalid);
  EXPECT_EQ(again.error.code, errc::kReplay);
  EXPECT_EQ(agent().live().entries().size(), 1U);
  EXPECT_EQ(auditOf(again.id)[0].outcome, errc::kReplay);
}

TEST_F(AgentTest, AStaleOrFutureTimestampIsRefused) {
  EXPECT_EQ(submit(aliceAsks("127.0.40.55", now() - 301)).error.code, errc::kStale);
  EXPECT_EQ(submit(aliceAsks("127.0.40.55", now() + 301)).error.code, errc::kStale);
  EXPECT_EQ(submit(aliceAsks("127.0.40.55", now() - 299)).status, Status::granted);
}

TEST_F(AgentTest, ACredentialSignedByTheWrongKeyGrantsNothing) {
  Request r = request(
      "KAlice",
      {{"App_domain", "XMPP"}, {"Request_Type", "whitelist"}, {"Server_IP_Address", "127.0.40.55"}},
      {credential("TargetAdmin", "KAlice",
                  "App_domain == \"XMPP\" && Server_IP_Address == \"127.0.40.55\";",
                  /*signer=*/"Mallory")},
      now());
  const Response answer = submit(r);
  ASSERT_EQ(answer.status, Status::refused);
  EXPECT_NE(answer.explanation.find("signature"), std::string::npos) << answer.explanation;
  EXPECT_EQ(auditOf(answer.id)[0].outcome, "refused");
}

TEST_F(AgentTest, RequestsForOtherServersOrWithAgentAttributesAreInvalid) {
  Request other =
      request("KAlice", {{"Request_Type", "whitelist"}, {"Server_IP_Address", "127.0.40.55"}}, {},
              now(), "elsewhere.test");
  EXPECT_EQ(submit(other).error.code, errc::kTarget);
  Request dated =
      request("KAlice", {{"Request_Type", "whitelist"}, {"Date", "20100115"}}, {}, now());
  EXPECT_EQ(submit(dated).error.code, errc::kAttributes);
  Request nothing = request("KAlice", {{"App_domain", "XMPP"}}, {}, now());
  EXPECT_EQ(submit(nothing).error.code, errc::kUnsupported);
  const Response garbage = agent().handle("{\"version\":0", Origin{"alice.test", "alice.test"});
  EXPECT_EQ(garbage.error.code, errc::kMalformed);
  EXPECT_EQ(auditOf(garbage.id).size(), 2U);
}

TEST_F(AgentTest, AGrantExpiresAtItsValidityAndThePeerIsNoLongerAllowed) {
  const Response answer = submit(aliceAsks("127.0.40.55", now(), "60"));
  ASSERT_EQ(answer.status, Status::granted);
  const auto generation = server_->server->policy().generation();
  server_->clock.advance(59s);
  agent().expireDue();
  EXPECT_EQ(agent().live().entries().size(), 1U);
  server_->clock.advance(1s);
  agent().expireDue();  // what the timer runs
  EXPECT_TRUE(agent().live().entries().empty());
  EXPECT_GT(server_->server->policy().generation(), generation);
  EXPECT_FALSE(server_->server->policy()
                   .decideStream(peer("alice.test", "127.0.40.55", server_->clock.now()))
                   .allowed());
  storage::AuditQuery q;
  q.event = "expiry";
  auto expired = server_->storage->audit().query(q);
  ASSERT_EQ(expired->size(), 1U);
  EXPECT_EQ(expired->front().entryId, answer.changes[0].entry);
  EXPECT_EQ(expired->front().requestId, answer.id);
}

// The timer runs on the server's loop with real time: a one-second grant,
// whose end the fake clock has already reached, is gone after about a second.
TEST_F(AgentTest, TheExpiryTimerRemovesGrantsByItself) {
  ASSERT_EQ(submit(aliceAsks("127.0.40.55", now(), "1")).status, Status::granted);
  server_->clock.advance(1s);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!agent().live().entries().empty() && std::chrono::steady_clock::now() < deadline) {
    server_->loop.poll();
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(agent().live().entries().empty());
}

TEST_F(AgentTest, TheConfiguredMaximumBoundsTheValidity) {
  const Response answer = submit(aliceAsks("127.0.40.55", now(), "999999"));
  ASSERT_EQ(answer.status, Status::granted);
  EXPECT_EQ(*answer.expires, server_->clock.now() + agent().config().maxValidity);
}

TEST_F(AgentTest, GrantsSurviveARestart) {
  const Response answer = submit(aliceAsks("127.0.40.55", now()));
  ASSERT_EQ(answer.status, Status::granted);
  // A new server over the same database file, as after a restart.
  auto& ts = *server_;
  ts.server.reset();
  ts.storage.reset();
  storage::SqliteOptions o;
  o.path = ts.dir / "data" / "keyfed.db";
  o.connections = 1;
  ts.storage = std::move(*storage::openSqlite(o));
  ts.server = std::make_unique<server::Server>(ts.config, *ts.storage, ts.loop, ts.clock);
  auto module = makeAgentModule();
  module_ = module.get();
  ts.server->addModule(std::move(module));
  ASSERT_TRUE(ts.server->start().has_value());
  ASSERT_EQ(agent().live().entries().size(), 1U);
  EXPECT_TRUE(
      ts.server->policy().decideStream(peer("x.test", "127.0.40.55", ts.clock.now())).allowed());
  // The nonce is remembered too.
  EXPECT_EQ(submit(aliceAsks("127.0.40.55", now())).status, Status::granted);  // fresh nonce
}

TEST_F(AgentTest, AnAdministratorRevokesAGrant) {
  const Response answer = submit(aliceAsks("127.0.40.55", now()));
  ASSERT_EQ(answer.status, Status::granted);
  auto revoked = agent().revoke(answer.changes[0].entry, "admin");
  ASSERT_TRUE(revoked.has_value());
  ASSERT_TRUE(revoked->has_value());
  EXPECT_FALSE(server_->server->policy()
                   .decideStream(peer("alice.test", "127.0.40.55", server_->clock.now()))
                   .allowed());
  storage::AuditQuery q;
  q.event = "revoke";
  EXPECT_EQ(server_->storage->audit().query(q)->size(), 1U);
  EXPECT_FALSE(agent().revoke(answer.changes[0].entry, "admin")->has_value());
}

// Graded compliance values bound a grant: the policy answers "hour" for
// addresses outside .55, and "hour" allows 3600 s at most.
class AgentValidityTest : public AgentFixture {};

TEST_F(AgentValidityTest, TheAnswersBoundLimitsTheGrant) {
  auto& f = *this;
  AgentConfig config;
  config.complianceValues = {"false", "hour", "true"};
  config.validity = {{"hour", 3600s}};
  f.startAgent({policyFor("TargetAdmin",
                          "App_domain == \"XMPP\" && Server_IP_Address == \"127.0.40.55\";\n"
                          "            App_domain == \"XMPP\" -> \"hour\";")},
               config);
  auto ask = [&](std::string address) {
    return request("TargetAdmin",
                   {{"App_domain", "XMPP"},
                    {"Request_Type", "whitelist"},
                    {"Server_IP_Address", std::move(address)},
                    {"ValidityPeriod", "7200"}},
                   {}, f.now());
  };
  const Response full = f.submit(ask("127.0.40.55"));
  ASSERT_EQ(full.status, Status::granted);
  EXPECT_EQ(full.value, "true");
  EXPECT_EQ(*full.expires, f.server_->clock.now() + 7200s);
  const Response hour = f.submit(ask("127.0.40.60"));
  ASSERT_EQ(hour.status, Status::granted);
  EXPECT_EQ(hour.value, "hour");
  EXPECT_EQ(*hour.expires, f.server_->clock.now() + 3600s);
}

}  // namespace
}  // namespace keyfed::agent
