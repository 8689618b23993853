// The paper's scenarios (sections III-V) through the agent's API, each with
// its positive case and the negative ones. The policies are the paper's,
// made valid KeyNote (docs/policy.md and examples/paper/ explain each change);
// 192.168.40.5x becomes 127.0.40.5x.

#include <gtest/gtest.h>

#include "agent_test_support.hpp"
#include "keyfed/policy/stanza_facts.hpp"

namespace keyfed::agent {
namespace {

using namespace testing;

// The paper's address pattern, adapted to loopback.
std::string addressPattern() {
  return "Server_IP_Address ~= \"^127\\\\.0\\\\.40\\\\.5[0-9]$\"";
}

class PaperTest : public AgentFixture {
 protected:
  policy::Decision stanzaDecision(std::string kind, std::string from, std::string to,
                                  policy::Direction direction = policy::Direction::inbound) {
    policy::StanzaFacts f;
    f.direction = direction;
    f.kind = std::move(kind);
    f.from = std::move(from);
    f.to = std::move(to);
    const bool in = direction == policy::Direction::inbound;
    f.peerDomain = "alice.test";
    f.localDomain = "target.test";
    f.peerAddress = in ? "127.0.40.55" : "";
    f.now = server_->clock.now();
    (void)in;
    return server_->server->policy().decideStanza(f);
  }
  bool federates(std::string domain, std::string address) {
    return server_->server->policy()
        .decideStream(peer(std::move(domain), std::move(address), server_->clock.now()))
        .allowed();
  }
};

// III.B-C: POLICY -> TargetAdmin (addresses 127.0.40.50-59) -> KAlice (.55).
TEST_F(PaperTest, III_BC_AliceGetsHerServerWhitelisted) {
  startAgent({policyFor("TargetAdmin", "App_domain == \"XMPP\" && " + addressPattern() + ";")});
  const auto alicesCredential = credential(
      "TargetAdmin", "KAlice", "App_domain == \"XMPP\" && Server_IP_Address == \"127.0.40.55\";");
  auto ask = [&](const std::string& who, const std::string& address,
                 std::vector<std::string> credentials) {
    return submit(request(
        who,
        {{"App_domain", "XMPP"}, {"Request_Type", "whitelist"}, {"Server_IP_Address", address}},
        std::move(credentials), now()));
  };
  EXPECT_FALSE(federates("alice.test", "127.0.40.55"));
  const Response granted = ask("KAlice", "127.0.40.55", {alicesCredential});
  ASSERT_EQ(granted.status, Status::granted) << granted.explanation << granted.error.describe();
  EXPECT_TRUE(federates("alice.test", "127.0.40.55"));
  EXPECT_FALSE(federates("other.test", "127.0.40.56"));  // only that address

  // Alice asking for another address: refused, the explanation names the condition.
  const Response otherAddress = ask("KAlice", "127.0.40.56", {alicesCredential});
  EXPECT_EQ(otherAddress.status, Status::refused);
  EXPECT_NE(otherAddress.explanation.find("Server_IP_Address"), std::string::npos)
      << otherAddress.explanation;
  EXPECT_FALSE(federates("x.test", "127.0.40.56"));
  // A server outside the pattern, even asked for by the target administrator.
  EXPECT_EQ(ask("TargetAdmin", "127.0.41.55", {}).status, Status::refused);
  EXPECT_EQ(ask("TargetAdmin", "127.0.40.5", {}).status, Status::refused);
  EXPECT_EQ(ask("TargetAdmin", "127.0.40.57", {}).status, Status::granted);
  // Someone without a credential.
  EXPECT_EQ(ask("Mallory", "127.0.40.55", {}).status, Status::refused);
}

// III.D: KAlice -> KBob for Bob's messages in a date range; Bob may not delegate.
class PaperDelegationTest : public PaperTest {
 protected:
  void SetUp() override {
    startAgent({policyFor("TargetAdmin", "App_domain == \"XMPP\" && " + addressPattern() + ";")});
    // The FakeClock starts on 2023-11-14.
    chain_ = {credential("TargetAdmin", "KAlice",
                         "App_domain == \"XMPP\" && Server_IP_Address == \"127.0.40.55\";"),
              credential("KAlice", "KBob",
                         "App_domain == \"XMPP\" && Server_IP_Address == \"127.0.40.55\" &&\n"
                         "            _ACTION_AUTHORIZERS == KBob &&\n"
                         "            @Date >= 20231101 && @Date <= 20231130 &&\n"
                         "            UserName == \"Bob\" && PacketType == \"message\";")};
  }
  Response ask(const std::string& who, const std::map<std::string, std::string>& extra = {},
               const std::vector<std::string>& more = {}) {
    std::map<std::string, std::string> a = {{"App_domain", "XMPP"},
                                            {"Request_Type", "whitelist"},
                                            {"Server_IP_Address", "127.0.40.55"},
                                            {"Server_Domain", "alice.test"},
                                            {"UserName", "Bob"},
                                            {"PacketType", "message"}};
    for (auto& [k, v] : extra) a[k] = v;
    auto credentials = chain_;
    for (auto& c : more) credentials.push_back(c);
    return submit(request(who, a, credentials, now()));
  }
  std::vector<std::string> chain_;
};

TEST_F(PaperDelegationTest, III_D_BobsMessagesPassHisPresenceAndOthersDoNot) {
  const Response granted = ask("KBob");
  ASSERT_EQ(granted.status, Status::granted) << granted.explanation << granted.error.describe();
  ASSERT_EQ(granted.changes.size(), 3U);  // restricted whitelist + two pass rules
  EXPECT_TRUE(federates("alice.test", "127.0.40.55"));
  using policy::Verdict;
  EXPECT_TRUE(stanzaDecision("message", "bob@alice.test/pc", "carol@target.test").allowed());
  EXPECT_TRUE(stanzaDecision("message", "carol@target.test/x", "bob@alice.test",
                             policy::Direction::outbound)
                  .allowed());
  EXPECT_EQ(stanzaDecision("presence", "bob@alice.test/pc", "carol@target.test").verdict,
            Verdict::deny);
  EXPECT_EQ(stanzaDecision("message", "eve@alice.test/pc", "carol@target.test").verdict,
            Verdict::deny);
}

TEST_F(PaperDelegationTest, III_D_OtherUsersPacketTypesAndDatesAreRefused) {
  EXPECT_EQ(ask("KBob", {{"UserName", "Eve"}}).status, Status::refused);
  EXPECT_EQ(ask("KBob", {{"PacketType", "presence"}}).status, Status::refused);
  server_->clock.advance(24h * 20);  // 2023-12-04: after the credential's range
  const Response late = ask("KBob");
  EXPECT_EQ(late.status, Status::refused);
  EXPECT_NE(late.explanation.find("Date"), std::string::npos) << late.explanation;
}

TEST_F(PaperDelegationTest, III_D_BobCannotDelegateFurther) {
  const auto bobToMallory = credential("KBob", "Mallory", "App_domain == \"XMPP\";");
  const Response asked = ask("Mallory", {}, {bobToMallory});
  EXPECT_EQ(asked.status, Status::refused);
  EXPECT_NE(asked.explanation.find("_ACTION_AUTHORIZERS"), std::string::npos) << asked.explanation;
}

// IV: threat mitigation vouched for by a security consultant.
class PaperThreatTest : public PaperTest {
 protected:
  void SetUp() override {
    startAgent({policyFor(
        "TargetServer",
        "App_domain == \"XMPP\" && Eavesdropping_Mitigation == \"true\" -> {\n"
        "              XMPP_TLS_for_s2s == \"required\" && XMPP_SRTP_for_video == \"required\" &&\n"
        "              DOS_Mitigation == \"true\" -> {\n"
        "                @XMPP_Stanza_byte_size_limit < 30000;\n"
        "                XMPP_Multi_User_Chat == \"disabled\" &&\n"
        "                  Firewall_Packet_Filtering == \"enabled\";\n"
        "              };\n"
        "            };")});
    trustConsultant_ = credential("TargetServer", "SecurityConsultant", "App_domain == \"XMPP\";");
    aliceToBob_ = credential("KAlice", "KBob",
                             "App_domain == \"XMPP\" && Server_IP_Address == \"127.0.40.55\";");
  }
  // The consultant's audit of a server: the controls found there.
  std::string audit(const std::string& address, const std::string& controls) {
    return credential("SecurityConsultant", "KAlice",
                      "App_domain == \"XMPP\" && Server_IP_Address == \"" + address +
                          "\" &&\n            " + controls + ";");
  }
  Response ask(const std::string& address, const std::map<std::string, std::string>& claims,
               const std::string& auditText) {
    std::map<std::string, std::string> a = {{"App_domain", "XMPP"},
                                            {"Request_Type", "whitelist"},
                                            {"Server_IP_Address", address},
                                            {"Eavesdropping_Mitigation", "true"},
                                            {"DOS_Mitigation", "true"}};
    for (auto& [k, v] : claims) a[k] = v;
    return submit(request("KBob", a, {trustConsultant_, auditText, aliceToBob_}, now()));
  }
  const std::string kControls =
      "XMPP_TLS_for_s2s == \"required\" && XMPP_SRTP_for_video == \"required\" &&\n"
      "            @XMPP_Stanza_byte_size_limit == 25000";
  const std::map<std::string, std::string> kClaims = {{"XMPP_TLS_for_s2s", "required"},
                                                      {"XMPP_SRTP_for_video", "required"},
                                                      {"XMPP_Stanza_byte_size_limit", "25000"}};
  std::string trustConsultant_;
  std::string aliceToBob_;
};

TEST_F(PaperThreatTest, IV_GrantedWhenTheClaimedControlsMatchTheAudit) {
  const Response granted = ask("127.0.40.55", kClaims, audit("127.0.40.55", kControls));
  ASSERT_EQ(granted.status, Status::granted) << granted.explanation << granted.error.describe();
  EXPECT_TRUE(federates("alice.test", "127.0.40.55"));
}

TEST_F(PaperThreatTest, IV_RefusedWhenAClaimIsNotVouchedFor) {
  auto claims = kClaims;
  claims["XMPP_Stanza_byte_size_limit"] = "20000";  // better than audited, but not what was audited
  EXPECT_EQ(ask("127.0.40.55", claims, audit("127.0.40.55", kControls)).status, Status::refused);
  claims = kClaims;
  claims.erase("XMPP_SRTP_for_video");  // not claimed at all
  EXPECT_EQ(ask("127.0.40.55", claims, audit("127.0.40.55", kControls)).status, Status::refused);
}

TEST_F(PaperThreatTest, IV_RefusedWhenThePolicysImplicationFails) {
  // The audit vouches honestly for a 65536-byte limit with MUC enabled:
  // DoS is not mitigated, whatever the credentials say.
  const std::string controls =
      "XMPP_TLS_for_s2s == \"required\" && XMPP_SRTP_for_video == \"required\" &&\n"
      "            @XMPP_Stanza_byte_size_limit == 65536 && XMPP_Multi_User_Chat == \"enabled\"";
  const std::map<std::string, std::string> claims = {{"XMPP_TLS_for_s2s", "required"},
                                                     {"XMPP_SRTP_for_video", "required"},
                                                     {"XMPP_Stanza_byte_size_limit", "65536"},
                                                     {"XMPP_Multi_User_Chat", "enabled"}};
  EXPECT_EQ(ask("127.0.40.55", claims, audit("127.0.40.55", controls)).status, Status::refused);
  // The other DoS alternative: MUC disabled and the firewall filtering.
  const std::string firewall =
      "XMPP_TLS_for_s2s == \"required\" && XMPP_SRTP_for_video == \"required\" &&\n"
      "            XMPP_Multi_User_Chat == \"disabled\" && Firewall_Packet_Filtering == "
      "\"enabled\"";
  const std::map<std::string, std::string> firewallClaims = {
      {"XMPP_TLS_for_s2s", "required"},
      {"XMPP_SRTP_for_video", "required"},
      {"XMPP_Stanza_byte_size_limit", "65536"},
      {"XMPP_Multi_User_Chat", "disabled"},
      {"Firewall_Packet_Filtering", "enabled"}};
  EXPECT_EQ(ask("127.0.40.55", firewallClaims, audit("127.0.40.55", firewall)).status,
            Status::granted);
}

// V: b2b roles may federate XMPP and ERP, b2c roles XMPP only.
class PaperBusinessTest : public PaperTest {
 protected:
  void SetUp() override {
    startAgent(
        {policyFor("TargetAdmin",
                   "role == \"b2b\" -> { App_domain == \"XMPP\" || App_domain == \"ERP\"; };\n"
                   "            role == \"b2c\" -> { App_domain == \"XMPP\"; };")});
    // "Unconditionally trusted": no Conditions field at all (an empty one trusts nobody).
    director_ = credential("TargetAdmin", "TargetDirector", "");
  }
  Response ask(const std::string& who, const std::string& role, const std::string& app,
               const std::string& roleCredential) {
    return submit(request(who,
                          {{"App_domain", app},
                           {"role", role},
                           {"Request_Type", "whitelist"},
                           {"Server_IP_Address", "127.0.40.58"}},
                          {director_, roleCredential}, now()));
  }
  std::string director_;
};

TEST_F(PaperBusinessTest, V_AB2cLicenseeFederatesXmppButNotErp) {
  const auto angela = credential("TargetDirector", "Angela", "role == \"b2c\";");
  const Response xmpp = ask("Angela", "b2c", "XMPP", angela);
  ASSERT_EQ(xmpp.status, Status::granted) << xmpp.explanation << xmpp.error.describe();
  EXPECT_TRUE(federates("angela.test", "127.0.40.58"));
  EXPECT_EQ(ask("Angela", "b2c", "ERP", angela).status, Status::refused);
  EXPECT_EQ(ask("Angela", "b2b", "ERP", angela).status, Status::refused);  // not her role
}

TEST_F(PaperBusinessTest, V_AB2bLicenseeMayAskForErpWhichChangesNothingHere) {
  const auto dave = credential("TargetDirector", "Dave", "role == \"b2b\";");
  const Response erp = ask("Dave", "b2b", "ERP", dave);
  ASSERT_EQ(erp.status, Status::granted) << erp.explanation;
  EXPECT_TRUE(erp.changes.empty());
  EXPECT_NE(erp.note.find("ERP"), std::string::npos);
}

}  // namespace
}  // namespace keyfed::agent
