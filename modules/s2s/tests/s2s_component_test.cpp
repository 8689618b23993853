// Component domains over s2s (docs/federation.md, "Component domains"): a
// peer reaches rooms.a.test, a component domain of a.test, over its own
// stream; the component's answers leave from its own domain; and every pair
// of the component is decided by the policy point as its host's pair.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "keyfed/policy/policy_point.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "loopback_fixture.hpp"

namespace keyfed::modules::s2s {
namespace {

using loopback::chat;
using loopback::errorCondition;
using loopback::openPolicy;
using loopback::RawClient;
using loopback::S2sLoopback;

constexpr std::string_view kComponent = "rooms.a.test";

// Records what the policy point was asked about, and refuses one local domain.
class RecordingDecider final : public policy::Decider {
 public:
  RecordingDecider(std::vector<std::string>& asked, std::string refused)
      : asked_(asked), refused_(std::move(refused)) {}
  [[nodiscard]] std::string_view name() const override { return "recording"; }
  [[nodiscard]] policy::Decision decideStream(const policy::PeerFacts& facts) const override {
    asked_.push_back(facts.localDomain + " " + facts.peerDomain);
    if (facts.localDomain == refused_) {
      return policy::Decision::deny("recording", "no federation for " + refused_);
    }
    return policy::Decision::abstain();
  }

 private:
  std::vector<std::string>& asked_;
  std::string refused_;
};

class S2sComponent : public S2sLoopback {
 protected:
  // a.test serves rooms.a.test: the component echoes every message back to
  // its sender from the address it was sent to, and records what it got.
  void start(S2sConfig a = openPolicy(), S2sConfig b = openPolicy()) {
    makePeers(std::move(a), std::move(b), {"a.test"}, {std::string(kComponent)});
    peerA->ts.server->hooks().stanzas.hook(
        "component/" + std::string(kComponent), [this](server::StanzaEvent& e) {
          received.push_back(e.stanza.clone());
          if (xmpp::stanzaKind(e.stanza) != xmpp::StanzaKind::message ||
              xmpp::stanzaType(e.stanza) == "error") {
            return true;
          }
          xml::Element echo("message", std::string(xmpp::ns::client));
          echo.setAttr("from", e.to.full()).setAttr("to", e.from.full());
          echo.addChild("body", std::string(xmpp::ns::client))
              .addText("echo: " + e.stanza.childText("body", xmpp::ns::server));
          e.server.route(std::move(echo));
          return true;
        });
  }

  std::vector<xml::Element> received;

 public:
  bool pump(const std::function<bool()>& done) { return pumpUntil(done); }
};

TEST_F(S2sComponent, APeerReachesTheComponentAndItsAnswerLeavesFromTheComponentDomain) {
  start();
  auto bob = peerB->ts.connect("bob", "b.test", "desk");
  bob->sendToServer(chat("room@rooms.a.test", "hello room"));
  ASSERT_TRUE(pumpUntil([&] { return !bob->received.empty(); }));
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].attr("from"), "bob@b.test/desk");
  const auto& echo = bob->received.front();
  EXPECT_EQ(echo.attr("from"), "room@rooms.a.test") << xml::toString(echo);
  EXPECT_EQ(echo.childText("body", xmpp::ns::server), "echo: hello room");
  // rooms.a.test has its own streams: one out to b.test, one in from it.
  EXPECT_EQ(peerA->module->outgoingCount(), 1U);
  EXPECT_EQ(peerA->module->incomingCount(), 1U);
}

TEST_F(S2sComponent, TheComponentStartsAConversationWithARemoteUser) {
  start();
  auto bob = peerB->ts.connect("bob", "b.test", "desk");
  xml::Element invite("message", std::string(xmpp::ns::client));
  invite.setAttr("from", "room@rooms.a.test").setAttr("to", "bob@b.test/desk");
  invite.addChild("body", std::string(xmpp::ns::client)).addText("join us");
  peerA->ts.server->route(std::move(invite));
  ASSERT_TRUE(pumpUntil([&] { return !bob->received.empty(); }));
  EXPECT_EQ(bob->received.front().attr("from"), "room@rooms.a.test");
  EXPECT_EQ(bob->received.front().childText("body", xmpp::ns::server), "join us");
}

TEST_F(S2sComponent, TheComponentIsDecidedAsItsHost) {
  std::vector<std::string> asked;
  start();
  peerA->ts.server->policy().addDecider(std::make_shared<RecordingDecider>(asked, "nobody"));
  auto bob = peerB->ts.connect("bob", "b.test", "desk");
  bob->sendToServer(chat("room@rooms.a.test", "hi"));
  ASSERT_TRUE(pumpUntil([&] { return !bob->received.empty(); }));
  // Inbound (rooms.a.test <- b.test) and outbound (rooms.a.test -> b.test):
  // the policy point only ever sees a.test, never the component's name.
  ASSERT_FALSE(asked.empty());
  for (const auto& pair : asked) EXPECT_EQ(pair, "a.test b.test");
}

TEST_F(S2sComponent, APeerRefusedForTheHostDoesNotReachItsComponent) {
  std::vector<std::string> asked;
  start();
  peerA->ts.server->policy().addDecider(std::make_shared<RecordingDecider>(asked, "a.test"));
  auto bob = peerB->ts.connect("bob", "b.test", "desk");
  bob->sendToServer(chat("room@rooms.a.test", "let me in"));
  ASSERT_TRUE(pumpUntil([&] { return !bob->received.empty(); }));
  const auto& bounce = bob->received.front();
  ASSERT_NE(errorCondition(bounce, "policy-violation"), nullptr) << xml::toString(bounce);
  const std::string text = bounce.child("error", {})->childText("text", xmpp::ns::stanzas);
  EXPECT_NE(text.find("no federation for a.test"), std::string::npos) << text;
  EXPECT_TRUE(received.empty());
}

TEST_F(S2sComponent, TheComponentsMessagesToARefusedPeerBounceBackToIt) {
  auto strict = openPolicy();
  strict.denyDomains = {"b.test"};
  start(strict);
  auto bob = peerB->ts.connect("bob", "b.test", "desk");
  xml::Element note("message", std::string(xmpp::ns::client));
  note.setAttr("from", "room@rooms.a.test/alice").setAttr("to", "bob@b.test/desk");
  note.addChild("body", std::string(xmpp::ns::client)).addText("you are in the room");
  peerA->ts.server->route(std::move(note));
  ASSERT_TRUE(pumpUntil([&] { return !received.empty(); }));
  // The error comes back to the occupant JID the room sent from.
  EXPECT_EQ(received[0].attr("to"), "room@rooms.a.test/alice");
  EXPECT_EQ(received[0].attr("from"), "bob@b.test/desk");
  EXPECT_NE(errorCondition(received[0], "policy-violation"), nullptr) << xml::toString(received[0]);
  EXPECT_TRUE(bob->received.empty());
}

// Opens a raw stream from b.test to `to` (raw is connected to a.test); reads until the
// features arrive or the stream is closed.
std::string rawHeaderExchange(S2sComponent& test, std::string_view to, RawClient& raw) {
  raw.write(
      "<?xml version='1.0'?><stream:stream xmlns='jabber:server' "
      "xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' "
      "from='b.test' to='" +
      std::string(to) + "' version='1.0'>");
  test.pump([&] {
    raw.read();
    return raw.text.find("</stream:features>") != std::string::npos || raw.closed;
  });
  return raw.text;
}

TEST_F(S2sComponent, AStreamForASubdomainThatIsNoComponentIsRefused) {
  start();
  RawClient raw(portA);
  ASSERT_TRUE(raw.connected());
  const std::string text = rawHeaderExchange(*this, "other.a.test", raw);
  EXPECT_NE(text.find("<host-unknown"), std::string::npos) << text;
}

TEST_F(S2sComponent, TheComponentsStreamHeaderNamesIt) {
  start();
  RawClient raw(portA);
  ASSERT_TRUE(raw.connected());
  const std::string text = rawHeaderExchange(*this, "rooms.a.test", raw);
  EXPECT_NE(text.find("from='rooms.a.test'"), std::string::npos) << text;
  EXPECT_NE(text.find("urn:xmpp:features:dialback"), std::string::npos) << text;
  EXPECT_FALSE(raw.closed);
}

}  // namespace
}  // namespace keyfed::modules::s2s
