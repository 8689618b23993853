// The XMPP transport: an iq to <domain>/fac carrying the JSON request, the
// answer in an iq result; requests our agent sends and their answers; the
// outbound stanza decisions of the stanza-policy module.

#include <gtest/gtest.h>

#include "agent_test_support.hpp"
#include "keyfed/policy/fac_gate.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::agent {
namespace {

using namespace testing;

std::string targetPolicy() {
  return policyFor("TargetAdmin",
                   "App_domain == \"XMPP\" && Server_IP_Address == \"127.0.40.55\";");
}

xml::Element facIq(std::string_view to, std::string_view json, std::string_view id = "r1") {
  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", "set").setAttr("id", id).setAttr("to", to);
  iq.addChild("request", std::string(policy::kFacNamespace)).addText(json);
  return iq;
}

std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

class TransportTest : public AgentFixture {
 protected:
  // Captures what would leave for other servers (standing in for s2s).
  void captureRemote() {
    server_->server->hooks().stanzas.hook("route/remote", [this](server::StanzaEvent& e) {
      remote_.push_back(e.stanza);
      return true;
    });
  }
  Request whitelist(const std::string& signer) {
    return request(signer,
                   {{"App_domain", "XMPP"},
                    {"Request_Type", "whitelist"},
                    {"Server_IP_Address", "127.0.40.55"}},
                   {}, now());
  }
  std::vector<xml::Element> remote_;
};

TEST_F(TransportTest, AClientsIqToTheAgentGetsTheAnswer) {
  startAgent({targetPolicy()});
  auto admin = server_->connect("admin", "target.test");
  admin->sendToServer(facIq("target.test/fac", toJson(whitelist("TargetAdmin"))));
  auto got = admin->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(xmpp::stanzaType(got[0]), "result");
  EXPECT_EQ(xmpp::stanzaFrom(got[0]), "target.test/fac");
  const xml::Element* response = got[0].child("response", policy::kFacNamespace);
  ASSERT_NE(response, nullptr);
  EXPECT_NE(response->text().find("\"status\":\"granted\""), std::string::npos) << response->text();
  EXPECT_EQ(agent().live().entries().size(), 1U);
  // The audit names who delivered it.
  storage::AuditQuery q;
  q.event = "request";
  EXPECT_EQ(server_->storage->audit().query(q)->front().peer, "admin@target.test/test");
}

TEST_F(TransportTest, APeersRequestIsAnsweredToThePeer) {
  startAgent({targetPolicy()});
  captureRemote();
  // As s2s delivers it: 'from' verified, routed into the server.
  auto iq = facIq("target.test/fac", toJson(whitelist("Mallory")));
  iq.setAttr("from", "alice.test");
  server_->server->route(std::move(iq));
  ASSERT_EQ(remote_.size(), 1U);
  EXPECT_EQ(remote_[0].attr("to"), "alice.test");
  EXPECT_EQ(remote_[0].attr("from"), "target.test/fac");
  EXPECT_NE(remote_[0].child("response", policy::kFacNamespace)->text().find("\"refused\""),
            std::string::npos);
  storage::AuditQuery q;
  q.event = "decision";
  EXPECT_EQ(server_->storage->audit().query(q)->front().peer, "alice.test");
}

TEST_F(TransportTest, WrongPayloadsAndOtherJidsAreNotTheAgents) {
  startAgent({targetPolicy()});
  auto admin = server_->connect("admin", "target.test");
  xml::Element bad("iq", std::string(xmpp::ns::client));
  bad.setAttr("type", "set").setAttr("id", "b").setAttr("to", "target.test/fac");
  bad.addChild("query", std::string(policy::kFacNamespace));
  admin->sendToServer(std::move(bad));
  auto got = admin->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "bad-request");
  // The same namespace to another resource is not the agent (no such resource).
  admin->sendToServer(facIq("target.test/other", "{}"));
  got = admin->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");
  // Garbage JSON is answered (invalid), not dropped.
  admin->sendToServer(facIq("target.test/fac", "{]"));
  got = admin->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_NE(got[0].child("response", policy::kFacNamespace)->text().find("fac.malformed"),
            std::string::npos);
}

// Two agents on one server (alice.test asks target.test): the request goes out
// as an iq from alice.test/fac, the answer comes back to it.
TEST_F(TransportTest, OurAgentSendsARequestAndKeepsTheAnswer) {
  startAgent({targetPolicy()}, {}, {"alice.test", "target.test"});
  const Request r = whitelist("TargetAdmin");
  auto id = agent().send("target.test/fac", r);
  ASSERT_TRUE(id.has_value()) << id.error().describe();
  const Outgoing* out = agent().outgoing(*id);
  ASSERT_NE(out, nullptr);
  ASSERT_TRUE(out->answered);
  EXPECT_NE(out->response.find("\"granted\""), std::string::npos) << out->response;
  storage::AuditQuery q;
  q.requestId = requestId(r);
  auto trail = server_->storage->audit().query(q);
  ASSERT_FALSE(trail->empty());
  EXPECT_EQ(trail->front().event, "response");
  EXPECT_EQ(trail->front().outcome, "granted");
  EXPECT_EQ(trail->back().event, "sent");
}

TEST_F(TransportTest, AnswersFromOtherJidsAreIgnored) {
  startAgent({targetPolicy()}, {}, {"target.test"});
  captureRemote();
  auto id = agent().send("alice.test/fac", whitelist("TargetAdmin"));
  ASSERT_TRUE(id.has_value());
  ASSERT_EQ(remote_.size(), 1U);
  EXPECT_EQ(remote_[0].attr("from"), "target.test/fac");
  xml::Element forged("iq", std::string(xmpp::ns::client));
  forged.setAttr("type", "result").setAttr("id", *id).setAttr("from", "mallory.test/fac");
  forged.setAttr("to", "target.test/fac");
  server_->server->route(std::move(forged));
  EXPECT_FALSE(agent().outgoing(*id)->answered);
  xml::Element real("iq", std::string(xmpp::ns::client));
  real.setAttr("type", "result").setAttr("id", *id).setAttr("from", "alice.test/fac");
  real.setAttr("to", "target.test/fac");
  real.addChild("response", std::string(policy::kFacNamespace)).addText("{\"status\":\"refused\"}");
  server_->server->route(std::move(real));
  EXPECT_TRUE(agent().outgoing(*id)->answered);
  EXPECT_EQ(agent().outgoing(*id)->response, "{\"status\":\"refused\"}");
}

// The stanza-policy module enforces the live rules on what leaves.
TEST_F(TransportTest, OutboundStanzasAreFilteredBeforeS2s) {
  startAgent({targetPolicy()});
  captureRemote();
  auto carol = server_->connect("carol", "target.test");
  policy::PacketRule toBob;
  toBob.stanzaKind = "message";
  toBob.destination = {policy::PartyKind::user, "bob@alice.test"};
  policy::ContentRule mask{"alice.test", "secret", policy::ContentAction::mask, "***"};
  auto added = agent().addEntries(
      {policy::WhitelistRule{"alice.test", "127.0.40.55", true, std::nullopt}, toBob, mask},
      std::nullopt, "admin");
  ASSERT_TRUE(added.has_value()) << added.error().describe();

  auto message = [](const std::string& to, const std::string& body) {
    xml::Element m("message", std::string(xmpp::ns::client));
    m.setAttr("to", to).setAttr("type", "chat");
    m.addChild("body", std::string(xmpp::ns::client)).addText(body);
    return m;
  };
  carol->sendToServer(message("bob@alice.test", "the secret plan"));
  ASSERT_EQ(remote_.size(), 1U);
  EXPECT_EQ(remote_[0].childText("body", xmpp::ns::client), "the *** plan");
  EXPECT_TRUE(carol->take().empty());

  carol->sendToServer(message("eve@alice.test", "hi"));
  EXPECT_EQ(remote_.size(), 1U);  // stopped
  auto bounced = carol->take();
  ASSERT_EQ(bounced.size(), 1U);
  EXPECT_EQ(errorCondition(bounced[0]), "policy-violation");

  // Other peers are not concerned; FAC exchanges always pass.
  carol->sendToServer(message("dave@other.test", "secret"));
  EXPECT_EQ(remote_.size(), 2U);
  EXPECT_EQ(remote_[1].childText("body", xmpp::ns::client), "secret");
}

}  // namespace
}  // namespace keyfed::agent
