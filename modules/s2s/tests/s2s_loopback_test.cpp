// Two servers in one process federating over real loopback sockets: dialback
// in both roles, the policy point on each pair, bounces, back-off,
// multiplexing and revocation. (TLS and certificates: tests/e2e.)
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "loopback_fixture.hpp"
#include "s2s_module.hpp"

namespace keyfed::modules::s2s {
namespace {

using loopback::chat;
using loopback::errorCondition;
using loopback::freePort;
using loopback::openPolicy;
using loopback::Peer;
using loopback::RawClient;
using loopback::S2sLoopback;

using namespace std::chrono_literals;

TEST_F(S2sLoopback, MessagesCrossBothWaysWithDialback) {
  makePeers(openPolicy(), openPolicy());
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  auto bob = peerB->ts.connect("bob", "b.test", "desk");

  alice->sendToServer(chat("bob@b.test/desk", "hello bob"));
  ASSERT_TRUE(pumpUntil([&] { return !bob->received.empty(); }));
  const auto& got = bob->received.front();
  EXPECT_EQ(got.attr("from"), "alice@a.test/phone");
  EXPECT_EQ(got.ns(), xmpp::ns::server);
  EXPECT_EQ(got.childText("body", xmpp::ns::server), "hello bob");

  bob->sendToServer(chat("alice@a.test/phone", "hello alice"));
  ASSERT_TRUE(pumpUntil([&] { return !alice->received.empty(); }));
  EXPECT_EQ(alice->received.front().attr("from"), "bob@b.test/desk");
  // One stream each way, each carrying its pair.
  EXPECT_EQ(peerA->module->outgoingCount(), 1U);
  EXPECT_EQ(peerB->module->outgoingCount(), 1U);
  EXPECT_EQ(peerA->module->incomingCount(), 1U);
}

TEST_F(S2sLoopback, APeerBelowTheRequiredLevelIsRefused) {
  auto strict = openPolicy();
  strict.minimumLevel = policy::TrustLevel::secure;  // TLS + dialback; A has no TLS here
  makePeers(openPolicy(), strict);
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  auto bob = peerB->ts.connect("bob", "b.test", "desk");

  alice->sendToServer(chat("bob@b.test/desk", "let me in"));
  ASSERT_TRUE(pumpUntil([&] { return !alice->received.empty(); }));
  const auto& bounce = alice->received.front();
  EXPECT_EQ(xmpp::stanzaType(bounce), "error");
  EXPECT_NE(errorCondition(bounce, "policy-violation"), nullptr) << xml::toString(bounce);
  const std::string text = bounce.child("error", {})->childText("text", xmpp::ns::stanzas);
  EXPECT_NE(text.find("'secure' is required"), std::string::npos) << text;
  EXPECT_TRUE(bob->received.empty());
}

TEST_F(S2sLoopback, AnUnreachableDomainBouncesAndBacksOff) {
  makePeers(openPolicy(), openPolicy());
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  // c.test has no route and DNS is off: nothing to connect to.
  alice->sendToServer(chat("carol@c.test", "anyone?"));
  ASSERT_TRUE(pumpUntil([&] { return !alice->received.empty(); }));
  EXPECT_NE(errorCondition(alice->received.front(), "remote-server-not-found"), nullptr)
      << xml::toString(alice->received.front());
  alice->received.clear();
  // Within the back-off the answer comes without a new attempt.
  alice->sendToServer(chat("carol@c.test", "still?"));
  ASSERT_TRUE(pumpUntil([&] { return !alice->received.empty(); }));
  EXPECT_NE(errorCondition(alice->received.front(), "remote-server-not-found"), nullptr);
  EXPECT_EQ(peerA->module->outgoingCount(), 0U);
}

TEST_F(S2sLoopback, AnUnansweredPeerBouncesWithAConnectionFailure) {
  // b.test's route points at a port nobody listens on.
  auto a = openPolicy();
  a.routes.push_back({"nobody.test", "127.0.0.1", freePort(), false});
  makePeers(a, openPolicy());
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  alice->sendToServer(chat("x@nobody.test", "hello?"));
  ASSERT_TRUE(pumpUntil([&] { return !alice->received.empty(); }));
  const auto& bounce = alice->received.front();
  ASSERT_NE(errorCondition(bounce, "remote-server-not-found"), nullptr) << xml::toString(bounce);
  const std::string text = bounce.child("error", {})->childText("text", xmpp::ns::stanzas);
  EXPECT_NE(text.find("cannot connect to nobody.test"), std::string::npos) << text;
}

TEST_F(S2sLoopback, SecondLocalDomainIsMultiplexedOnTheSameStream) {
  makePeers(openPolicy(), openPolicy(), {"a.test", "chat.a.test"});
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  auto carol = peerA->ts.connect("carol", "chat.a.test", "pc");
  auto bob = peerB->ts.connect("bob", "b.test", "desk");

  alice->sendToServer(chat("bob@b.test/desk", "one"));
  ASSERT_TRUE(pumpUntil([&] { return bob->received.size() == 1; }));
  carol->sendToServer(chat("bob@b.test/desk", "two"));
  ASSERT_TRUE(pumpUntil([&] { return bob->received.size() == 2; }));
  EXPECT_EQ(bob->received[1].attr("from"), "carol@chat.a.test/pc");
  EXPECT_EQ(peerA->module->outgoingCount(), 1U);
  EXPECT_EQ(peerB->module->incomingCount(), 1U);

  // What `keyfedctl s2s list` shows: both pairs, on one stream each way.
  // (a.test also lists pairs in: b.test opened streams back to verify a.test's dialback
  // keys, and authenticated its own domain on them.)
  auto pairsOf = [](const S2sModule& module, std::string_view direction) {
    auto pairs = module.pairs();
    std::erase_if(pairs, [&](const S2sPairStatus& p) { return p.direction != direction; });
    return pairs;
  };
  const auto out = pairsOf(*peerA->module, "out");
  ASSERT_EQ(out.size(), 2U);
  for (const auto& pair : out) {
    EXPECT_EQ(pair.direction, "out");
    EXPECT_EQ(pair.remote, "b.test");
    EXPECT_EQ(pair.state, "ready");
    EXPECT_EQ(pair.level, "verified");  // dialback without TLS
    EXPECT_EQ(pair.address, "127.0.0.1");
    EXPECT_EQ(pair.stream, out.front().stream);
  }
  EXPECT_NE(out[0].local, out[1].local);
  const auto in = pairsOf(*peerB->module, "in");
  ASSERT_EQ(in.size(), 2U);
  for (const auto& pair : in) {
    EXPECT_EQ(pair.direction, "in");
    EXPECT_EQ(pair.local, "b.test");
    EXPECT_EQ(pair.state, "ready");
    EXPECT_NE(pair.evidence.find("level=verified no-tls"), std::string::npos) << pair.evidence;
    EXPECT_NE(pair.evidence.find("dialback"), std::string::npos) << pair.evidence;
  }
}

TEST_F(S2sLoopback, RevokingAPeerClosesItsLiveStream) {
  makePeers(openPolicy(), openPolicy());
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  auto bob = peerB->ts.connect("bob", "b.test", "desk");
  alice->sendToServer(chat("bob@b.test/desk", "before"));
  ASSERT_TRUE(pumpUntil([&] { return bob->received.size() == 1; }));
  ASSERT_EQ(peerB->module->incomingCount(), 1U);

  // B's administrator denies a.test and reloads.
  config::Config next = peerB->ts.config;
  auto revoked = peerB->settings();
  revoked.denyDomains = {"a.test"};
  next.sections["s2s"] = revoked;
  peerB->ts.server->reload(next);
  ASSERT_TRUE(pumpUntil(
      [&] { return peerB->module->incomingCount() == 0 && peerA->module->outgoingCount() == 0; },
      1s));

  // The next message from a.test is refused by B; alice learns why.
  alice->sendToServer(chat("bob@b.test/desk", "after"));
  ASSERT_TRUE(pumpUntil([&] { return !alice->received.empty(); }));
  EXPECT_NE(errorCondition(alice->received.front(), "policy-violation"), nullptr)
      << xml::toString(alice->received.front());
  EXPECT_EQ(bob->received.size(), 1U);
  peerB->ts.server->reload(peerB->ts.config);  // `next` goes out of scope
}

TEST_F(S2sLoopback, AKeyTheAuthoritativeServerDoesNotConfirmIsRefused) {
  // B finds a.test's authoritative server at another address than the one
  // that connected claiming to be a.test: that server (another secret) does
  // not confirm the key, so the claimant is a spoofer.
  const auto authorityPort = freePort();
  auto a = openPolicy();
  a.routes.push_back({"b.test", "127.0.0.1", portB, false});
  auto b = openPolicy();
  b.routes.push_back({"a.test", "127.0.0.1", authorityPort, false});
  auto real = openPolicy();
  real.dialbackSecret = "the-real-a.test-secret";
  peerA = std::make_unique<Peer>(std::vector<std::string>{"a.test"}, portA, a);
  peerB = std::make_unique<Peer>(std::vector<std::string>{"b.test"}, portB, b);
  Peer authority({"a.test"}, authorityPort, real);
  peerA->start();
  peerB->start();
  authority.start();
  extra.push_back(&authority);
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  auto bob = peerB->ts.connect("bob", "b.test", "desk");

  alice->sendToServer(chat("bob@b.test/desk", "it is really me"));
  ASSERT_TRUE(pumpUntil([&] { return !alice->received.empty(); }));
  // XEP-0220 2.1.4: an invalid result bounces with internal-server-error.
  EXPECT_NE(errorCondition(alice->received.front(), "internal-server-error"), nullptr)
      << xml::toString(alice->received.front());
  EXPECT_TRUE(bob->received.empty());
  EXPECT_TRUE(pumpUntil([&] { return peerB->module->incomingCount() == 0; }));
  extra.clear();
}

// A plain TCP client for what a real server would never send.

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:server' "
    "xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' "
    "from='a.test' to='b.test' version='1.0'>";

TEST_F(S2sLoopback, APeerSendingFasterThanItsRateIsDisconnected) {
  auto slow = openPolicy();
  slow.bytesPerSecond = 2000;
  makePeers(openPolicy(), slow);
  RawClient raw(portB);
  ASSERT_TRUE(raw.connected());
  raw.write(kHeader);
  // 1.2 MB of whitespace keepalives at once: more than the backlog a stream may
  // hold (the stanza limit plus four seconds' worth at 2000 bytes per second).
  const std::string flood(1200000, ' ');
  std::size_t sent = 0;
  ASSERT_TRUE(pumpUntil(
      [&] {
        if (sent < flood.size()) sent += raw.write(std::string_view(flood).substr(sent));
        raw.read();
        return raw.closed;
      },
      10s));
  EXPECT_NE(raw.text.find("<policy-violation"), std::string::npos) << raw.text;
  EXPECT_NE(raw.text.find("bytes per second"), std::string::npos) << raw.text;
}

TEST_F(S2sLoopback, ConnectionAttemptsPerAddressAreLimited) {
  auto guarded = openPolicy();
  guarded.connectionAttempts = 2;
  makePeers(openPolicy(), guarded);
  RawClient first(portB), second(portB), third(portB);
  for (auto* raw : {&first, &second, &third}) raw->write(kHeader);
  ASSERT_TRUE(pumpUntil([&] {
    first.read();
    second.read();
    third.read();
    return third.closed && !first.text.empty() && !second.text.empty();
  }));
  EXPECT_TRUE(third.text.empty());  // refused before a single byte
  EXPECT_NE(first.text.find("<stream:features"), std::string::npos);
  EXPECT_FALSE(first.closed);
}

TEST_F(S2sLoopback, IdleStreamsAreClosedAndReopenedOnDemand) {
  makePeers(openPolicy(), openPolicy());
  peerA->ts.config.limits.s2sIdleTimeout = 1s;
  peerB->ts.config.limits.s2sIdleTimeout = 1s;
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  auto bob = peerB->ts.connect("bob", "b.test", "desk");
  alice->sendToServer(chat("bob@b.test/desk", "one"));
  ASSERT_TRUE(pumpUntil([&] { return bob->received.size() == 1; }));
  peerA->ts.clock.advance(2s);
  peerB->ts.clock.advance(2s);
  ASSERT_TRUE(pumpUntil(
      [&] { return peerA->module->outgoingCount() == 0 && peerB->module->incomingCount() == 0; },
      5s));
  alice->sendToServer(chat("bob@b.test/desk", "two"));
  ASSERT_TRUE(pumpUntil([&] { return bob->received.size() == 2; }));
  EXPECT_TRUE(alice->received.empty());
}

TEST_F(S2sLoopback, AFailedDomainIsRetriedOnceTheBackOffIsOver) {
  auto a = openPolicy();
  const auto latePort = freePort();
  a.routes.push_back({"late.test", "127.0.0.1", latePort, false});
  makePeers(a, openPolicy());
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  alice->sendToServer(chat("x@late.test", "first"));
  ASSERT_TRUE(pumpUntil([&] { return alice->received.size() == 1; }));

  // late.test comes up; within the back-off nothing is tried ...
  Peer late({"late.test"}, latePort, [&] {
    auto c = openPolicy();
    c.routes.push_back({"a.test", "127.0.0.1", portA, false});
    return c;
  }());
  late.start();
  extra.push_back(&late);
  auto x = late.ts.connect("x", "late.test", "r");
  alice->sendToServer(chat("x@late.test/r", "second"));
  ASSERT_TRUE(pumpUntil([&] { return alice->received.size() == 2; }));
  EXPECT_EQ(peerA->module->outgoingCount(), 0U);
  // ... after it, the next stanza connects.
  peerA->ts.clock.advance(2s);
  alice->sendToServer(chat("x@late.test/r", "third"));
  ASSERT_TRUE(pumpUntil([&] { return x->received.size() == 1; }));
  EXPECT_EQ(x->received.front().childText("body", xmpp::ns::server), "third");
  extra.clear();
}

TEST_F(S2sLoopback, TheQueueOfAPairIsBounded) {
  auto a = openPolicy();
  a.queueSize = 3;
  makePeers(a, openPolicy());
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  auto bob = peerB->ts.connect("bob", "b.test", "desk");
  for (int i = 0; i < 5; ++i) alice->sendToServer(chat("bob@b.test/desk", std::to_string(i)));
  ASSERT_TRUE(pumpUntil([&] { return bob->received.size() == 3 && alice->received.size() == 2; }));
  for (const auto& bounce : alice->received) {
    EXPECT_NE(errorCondition(bounce, "resource-constraint"), nullptr);
  }
}

// Redirect mode (docs/clearinghouse.md, "Redirection service"), without TLS:
// a stand-in for the clearinghouse (ch.test) answers streams for b.test once
// a.test has proved itself with dialback, verified over a stream from ch.test.
class S2sRedirect : public S2sLoopback {
 protected:
  void SetUp() override {
    S2sLoopback::SetUp();
    portCh = freePort();
    auto a = openPolicy();
    a.routes.push_back({"b.test", "127.0.0.1", portCh, false});  // the clearinghouse first
    a.routes.push_back({"b.test", "127.0.0.1", portB, false});
    a.redirect.redirectors = {"ch.test"};
    auto ch = openPolicy();
    ch.routes.push_back({"a.test", "127.0.0.1", portA, false});
    peerA = std::make_unique<Peer>(std::vector<std::string>{"a.test"}, portA, a);
    peerB = std::make_unique<Peer>(std::vector<std::string>{"b.test"}, portB, openPolicy());
    clearinghouse = std::make_unique<Peer>(std::vector<std::string>{"ch.test"}, portCh, ch);
    peerA->start();
    peerB->start();
    clearinghouse->start();
    extra.push_back(clearinghouse.get());
    auto& hooks = clearinghouse->ts.server->hooks().redirects;
    hooks.hook("s2s-redirect-target", [](server::RedirectEvent& e) {
      e.via = "ch.test";
      return true;
    });
    hooks.hook("s2s-redirect", [this](server::RedirectEvent& e) {
      asked.push_back(std::string(e.originating) + " -> " + std::string(e.target) + " " +
                      std::string(e.method));
      if (refuse) {
        e.reason = "a.test is not cleared for b.test";
      } else {
        e.location = "127.0.0.1:" + std::to_string(portB);
      }
      return true;
    });
  }
  void TearDown() override { extra.clear(); }

  std::uint16_t portCh = 0;
  std::unique_ptr<Peer> clearinghouse;
  std::vector<std::string> asked;
  bool refuse = false;
};

TEST_F(S2sRedirect, AnUnauthenticatedRedirectIsNotFollowed) {
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  auto bob = peerB->ts.connect("bob", "b.test", "desk");
  alice->sendToServer(chat("bob@b.test/desk", "via the clearinghouse"));
  ASSERT_TRUE(pumpUntil([&] { return !alice->received.empty(); }));
  // The stand-in verified a.test's dialback key with a.test's server, then
  // answered with see-other-host ...
  EXPECT_EQ(asked, std::vector<std::string>{"a.test -> b.test dialback"});
  // ... which a.test refuses: no TLS, so nothing proved the redirect's sender.
  const auto& bounce = alice->received.front();
  ASSERT_NE(errorCondition(bounce, "remote-server-not-found"), nullptr) << xml::toString(bounce);
  const std::string text = bounce.child("error", {})->childText("text", xmpp::ns::stanzas);
  EXPECT_NE(text.find("refused b.test's redirect"), std::string::npos) << text;
  EXPECT_NE(text.find("did not prove b.test or a redirector"), std::string::npos) << text;
  EXPECT_TRUE(bob->received.empty());
  EXPECT_EQ(peerB->module->incomingCount(), 0U);
}

TEST_F(S2sRedirect, ARefusalIsAPolicyViolationWithItsReason) {
  refuse = true;
  auto alice = peerA->ts.connect("alice", "a.test", "phone");
  alice->sendToServer(chat("bob@b.test/desk", "may I?"));
  ASSERT_TRUE(pumpUntil([&] { return !alice->received.empty(); }));
  const auto& bounce = alice->received.front();
  ASSERT_NE(errorCondition(bounce, "policy-violation"), nullptr) << xml::toString(bounce);
  const std::string text = bounce.child("error", {})->childText("text", xmpp::ns::stanzas);
  EXPECT_NE(text.find("a.test is not cleared for b.test"), std::string::npos) << text;
}

TEST_F(S2sRedirect, NoStanzaIsAcceptedOnAStandInStream) {
  RawClient raw(portCh);
  ASSERT_TRUE(raw.connected());
  raw.write(kHeader);  // from a.test to b.test
  raw.write("<message from='mallory@a.test' to='bob@b.test'><body>hi</body></message>");
  ASSERT_TRUE(pumpUntil([&] {
    raw.read();
    return raw.closed;
  }));
  EXPECT_NE(raw.text.find("from='b.test'"), std::string::npos) << raw.text;
  EXPECT_NE(raw.text.find("<not-authorized"), std::string::npos) << raw.text;
  EXPECT_TRUE(asked.empty());
}

}  // namespace
}  // namespace keyfed::modules::s2s
