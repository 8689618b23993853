// Stanza decisions: facts from a stanza, combination at the policy point, the
// FAC agent exception, masking a body.

#include <gtest/gtest.h>

#include "keyfed/policy/fac_gate.hpp"
#include "keyfed/policy/policy_point.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::policy {
namespace {

xml::Element message(const std::string& from, const std::string& to, const std::string& body) {
  xml::Element m("message", std::string(xmpp::ns::server));
  m.setAttr("from", from).setAttr("to", to).setAttr("type", "chat");
  m.addChild("body", std::string(xmpp::ns::server)).addText(body);
  return m;
}

xml::Element iq(const std::string& from, const std::string& to, const std::string& type,
                const std::string& ns) {
  xml::Element i("iq", std::string(xmpp::ns::server));
  i.setAttr("from", from).setAttr("to", to).setAttr("type", type).setAttr("id", "1");
  if (!ns.empty()) i.addChild("request", ns);
  return i;
}

class StanzaDecider final : public Decider {
 public:
  explicit StanzaDecider(Decision d) : d_(std::move(d)) {}
  std::string_view name() const override { return "fixed"; }
  Decision decideStream(const PeerFacts&) const override { return Decision::abstain(); }
  Decision decideStanza(const StanzaFacts& facts) const override {
    seenBody = facts.body.value_or("");
    return d_;
  }
  mutable std::string seenBody;

 private:
  Decision d_;
};

TEST(StanzaFacts, InboundAndOutboundNameTheSidesTheSameWay) {
  auto m = message("bob@alice.test/phone", "carol@target.test", "hi");
  auto in = stanzaFactsOf(m, Direction::inbound, "127.0.40.55", {});
  EXPECT_EQ(in.peerDomain, "alice.test");
  EXPECT_EQ(in.localDomain, "target.test");
  EXPECT_EQ(in.fromBare(), "bob@alice.test");
  EXPECT_EQ(in.kind, "message");
  EXPECT_EQ(in.type, "chat");
  EXPECT_EQ(in.body, "hi");
  EXPECT_EQ(in.peerAddress, "127.0.40.55");
  auto out = stanzaFactsOf(message("carol@target.test/pc", "bob@alice.test", "yo"),
                           Direction::outbound, "", {});
  EXPECT_EQ(out.peerDomain, "alice.test");
  EXPECT_EQ(out.localDomain, "target.test");
  auto q = stanzaFactsOf(iq("alice.test", "target.test/fac", "set", "urn:keyfed:fac:0"),
                         Direction::inbound, "", {});
  EXPECT_EQ(q.payloadNs, "urn:keyfed:fac:0");
  EXPECT_FALSE(q.body.has_value());
}

TEST(StanzaDecisions, NothingSaidMeansTheStanzaPasses) {
  PolicyPoint point;  // closed for streams, open for stanzas of admitted peers
  auto d = point.decideStanza(
      stanzaFactsOf(message("a@b.test", "c@d.test", "x"), Direction::inbound, "", {}));
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.decider, "default");
}

TEST(StanzaDecisions, DenyWinsAndMasksChainThroughDeciders) {
  PolicyPoint point;
  Decision mask;
  mask.body = "masked";
  auto masker = std::make_shared<StanzaDecider>(mask);
  auto watcher = std::make_shared<StanzaDecider>(Decision::abstain());
  point.addDecider(masker);
  point.addDecider(watcher);
  auto m = message("a@b.test", "c@d.test", "secret");
  auto d = point.decideStanza(stanzaFactsOf(m, Direction::inbound, "", {}));
  EXPECT_TRUE(d.allowed());
  ASSERT_TRUE(d.body.has_value());
  EXPECT_EQ(*d.body, "masked");
  EXPECT_EQ(watcher->seenBody, "masked");  // later deciders judge the masked text
  applyBody(m, d);
  EXPECT_EQ(m.childText("body", std::string(xmpp::ns::server)), "masked");

  Decision drop = Decision::deny("fixed", "no");
  drop.silent = true;
  point.addDecider(std::make_shared<StanzaDecider>(drop));
  auto denied = point.decideStanza(stanzaFactsOf(m, Direction::inbound, "", {}));
  EXPECT_EQ(denied.verdict, Verdict::deny);
  EXPECT_TRUE(denied.silent);
}

TEST(FacGate, OnlyAgentExchangesInTheAgentNamespacePass) {
  PolicyPoint point;
  point.addDecider(std::make_shared<StanzaDecider>(Decision::deny("fixed", "closed")));
  auto decide = [&](const xml::Element& s, Direction d) {
    return point.decideStanza(stanzaFactsOf(s, d, "", {}));
  };
  // A request from anyone at the peer to our agent, in the agent's namespace.
  EXPECT_TRUE(decide(iq("alice.test", "target.test/fac", "set", std::string(kFacNamespace)),
                     Direction::inbound)
                  .allowed());
  // Other namespaces, other resources, messages: refused.
  EXPECT_FALSE(
      decide(iq("alice.test", "target.test/fac", "set", "jabber:iq:version"), Direction::inbound)
          .allowed());
  EXPECT_FALSE(decide(iq("alice.test", "target.test/other", "set", std::string(kFacNamespace)),
                      Direction::inbound)
                   .allowed());
  EXPECT_FALSE(
      decide(message("alice.test", "target.test/fac", "hi"), Direction::inbound).allowed());
  // Answers: from the peer's agent to ours inbound; from ours outbound.
  EXPECT_TRUE(
      decide(iq("alice.test/fac", "target.test/fac", "result", ""), Direction::inbound).allowed());
  EXPECT_FALSE(decide(iq("bob@alice.test/x", "target.test/fac", "result", ""), Direction::inbound)
                   .allowed());
  EXPECT_TRUE(decide(iq("target.test/fac", "bob@alice.test/x", "result", ""), Direction::outbound)
                  .allowed());
  // Our agent's requests go to the peer's agent only.
  EXPECT_TRUE(decide(iq("target.test/fac", "alice.test/fac", "set", std::string(kFacNamespace)),
                     Direction::outbound)
                  .allowed());
  EXPECT_FALSE(decide(iq("target.test/fac", "bob@alice.test", "set", std::string(kFacNamespace)),
                      Direction::outbound)
                   .allowed());
}

// s2s keeps a refused pair open for the agent only when the peer proved at
// least its DNS identity and no static deny rule names it.
TEST(FacGate, OnlyVerifiedPeersOutsideTheDenyListMayReachTheAgent) {
  PeerFacts verified;
  verified.peerDomain = "alice.test";
  verified.dialbackVerified = true;
  const auto closed = Decision::deny("default", "not on any allow list");
  EXPECT_TRUE(mayReachAgent(verified, closed));
  EXPECT_TRUE(mayReachAgent(verified, Decision::deny("ladder", "trusted is required")));
  EXPECT_FALSE(mayReachAgent(verified, Decision::deny("static", "on the deny list")));
  EXPECT_FALSE(mayReachAgent(verified, Decision::allow("static", "allowed")));
  PeerFacts unproven = verified;
  unproven.dialbackVerified = false;
  ASSERT_EQ(unproven.level(), TrustLevel::none);
  EXPECT_FALSE(mayReachAgent(unproven, closed));
}

}  // namespace
}  // namespace keyfed::policy
