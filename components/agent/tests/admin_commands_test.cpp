// The agent's admin socket commands, through AdminService::handleRequest (what
// a connection does with each line).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent_test_support.hpp"
#include "keyfed/server/admin_service.hpp"

namespace keyfed::agent {
namespace {

using namespace testing;
using nlohmann::json;

class AdminCommandsTest : public AgentFixture {
 protected:
  void SetUp() override {
    startAgent({policyFor("TargetAdmin", "App_domain == \"XMPP\";")});
    admin_ = std::make_unique<server::AdminService>(server_->loop);
    registerAgentAdminCommands(*admin_, *module_);
  }
  void TearDown() override { admin_.reset(); }
  json call(const std::string& command, json args = json::object()) {
    const json request = {{"command", command}, {"args", std::move(args)}};
    return json::parse(admin_->handleRequest(request.dump()));
  }
  Request whitelist(std::string address) {
    return request(
        "TargetAdmin",
        {{"App_domain", "XMPP"}, {"Request_Type", "whitelist"}, {"Server_IP_Address", address}}, {},
        now());
  }
  std::unique_ptr<server::AdminService> admin_;
};

TEST_F(AdminCommandsTest, SubmitListRevokeAndAudit) {
  json answer = call("fac-submit", {{"request", json::parse(toJson(whitelist("127.0.40.55")))}});
  ASSERT_TRUE(answer["ok"].get<bool>()) << answer.dump();
  EXPECT_EQ(answer["result"]["status"], "granted");
  const auto entry = answer["result"]["changes"][0]["entry"].get<std::int64_t>();

  json list = call("policy-list");
  ASSERT_TRUE(list["ok"].get<bool>());
  ASSERT_EQ(list["result"]["entries"].size(), 1U);
  EXPECT_EQ(list["result"]["entries"][0]["id"], entry);
  EXPECT_EQ(list["result"]["entries"][0]["spec"]["address"], "127.0.40.55");
  EXPECT_EQ(list["result"]["entries"][0]["origin"], "request");

  json audit = call("audit", {{"request_id", answer["result"]["id"]}});
  ASSERT_TRUE(audit["ok"].get<bool>());
  EXPECT_EQ(audit["result"]["records"].size(), 3U);
  EXPECT_EQ(audit["result"]["records"][0]["event"], "change");
  EXPECT_EQ(audit["result"]["records"][2]["peer"], "admin");

  json revoked = call("policy-revoke", {{"id", entry}});
  ASSERT_TRUE(revoked["ok"].get<bool>()) << revoked.dump();
  EXPECT_TRUE(call("policy-list")["result"]["entries"].empty());
  json again = call("policy-revoke", {{"id", entry}});
  EXPECT_FALSE(again["ok"].get<bool>());
  EXPECT_EQ(again["error"]["code"], "agent.not-found");
  EXPECT_EQ(call("audit", {{"event", "revoke"}})["result"]["records"].size(), 1U);
}

TEST_F(AdminCommandsTest, AnAdministratorAddsAnEntryWithAValidity) {
  json added =
      call("policy-add",
           {{"kind", "whitelist"}, {"spec", {{"domain", "partner.test"}}}, {"validity", 120}});
  ASSERT_TRUE(added["ok"].get<bool>()) << added.dump();
  EXPECT_EQ(added["result"]["entries"][0]["origin"], "admin");
  EXPECT_EQ(added["result"]["entries"][0]["expires"], now() + 120);
  EXPECT_TRUE(server_->server->policy()
                  .decideStream(peer("partner.test", "", server_->clock.now()))
                  .allowed());
  json bad = call("policy-add", {{"kind", "whitelist"}, {"spec", {{"address", "10.0.0.0/99"}}}});
  EXPECT_FALSE(bad["ok"].get<bool>());
  EXPECT_EQ(bad["error"]["code"], server::admin_errc::kBadArgs);
}

TEST_F(AdminCommandsTest, SendAndPollTheAnswer) {
  json sent = call("fac-send", {{"to", "target.test/fac"},
                                {"request", json::parse(toJson(whitelist("127.0.40.56")))}});
  ASSERT_TRUE(sent["ok"].get<bool>()) << sent.dump();
  json result = call("fac-result", {{"id", sent["result"]["id"]}});
  ASSERT_TRUE(result["ok"].get<bool>());
  EXPECT_EQ(result["result"]["status"], "answered");
  EXPECT_EQ(result["result"]["response"]["status"], "granted");
  EXPECT_EQ(call("fac-result", {{"id", "nope"}})["result"]["status"], "unknown");
  json unsigned_ = call("fac-send", {{"to", "target.test/fac"}, {"request", {{"version", 0}}}});
  EXPECT_FALSE(unsigned_["ok"].get<bool>());
}

}  // namespace
}  // namespace keyfed::agent
