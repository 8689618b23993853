// The BOSH session's state machine with a fake clock (docs/bosh.md): rid
// order and window, retransmission, hold and wait, overactivity, restart,
// terminate, inactivity, and what the c2s session hears.

#include "bosh_session.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/net/event_loop.hpp"

namespace keyfed::modules::c2s {
namespace {

using namespace std::chrono_literals;

// What one HTTP request got back.
struct Answer {
  bool connected = true;
  std::vector<std::string> bodies;
};

class RecordedReply final : public BoshReply {
 public:
  explicit RecordedReply(std::shared_ptr<Answer> answer) : answer_(std::move(answer)) {}
  [[nodiscard]] bool connected() const override { return answer_->connected; }
  void send(std::string body) override { answer_->bodies.push_back(std::move(body)); }

 private:
  std::shared_ptr<Answer> answer_;
};

// Stands in for the c2s session: records messages; answers <open/> with
// "features" as the session would, and <close/> by closing.
struct Session final : net::ByteStreamHandler {
  net::ByteStream* stream = nullptr;
  std::vector<std::string> heard;
  std::string closedWhy;
  bool closed = false;
  void onBytes(std::string_view bytes) override {
    heard.emplace_back(bytes);
    if (bytes.starts_with("<open")) stream->send("<stream:features/>");
    if (bytes.starts_with("<close")) stream->close();
    if (bytes.find("bad") != std::string_view::npos) {
      stream->send("<stream:error><bad-format/></stream:error>");
      stream->close();
    }
  }
  void onTlsEstablished() override {}
  void onClosed(std::string_view why) override {
    closed = true;
    closedWhy = std::string(why);
  }
};

class BoshSessionTest : public ::testing::Test {
 protected:
  void open(std::uint32_t hold = 1) {
    BoshBody creation;
    creation.rid = 100;
    creation.to = "example.com";
    BoshGrant grant;
    grant.wait = 30s;
    grant.hold = hold;
    grant.inactivity = 60s;
    grant.polling = 2s;
    grant.maxQueuedBytes = 4096;
    session = std::make_unique<BoshSession>(loop, clock, &registry, "sid1", grant, creation,
                                            "127.0.0.1", "example.com");
    handler.stream = session.get();
    session->start(&handler);
    creationAnswer = reply();
    session->handleCreation(std::make_unique<RecordedReply>(creationAnswer));
  }

  std::shared_ptr<Answer> reply() { return std::make_shared<Answer>(); }

  std::shared_ptr<Answer> request(std::uint64_t rid, const std::vector<std::string>& stanzas = {},
                                  bool restart = false, bool terminate = false) {
    BoshBody body;
    body.rid = rid;
    body.sid = "sid1";
    body.restart = restart;
    body.terminate = terminate;
    for (const auto& name : stanzas) body.payloads.emplace_back(name, "jabber:client");
    auto answer = reply();
    session->handle(std::move(body), std::make_unique<RecordedReply>(answer));
    return answer;
  }

  void runPosted() {
    for (int i = 0; i < 5; ++i) loop.poll();
  }

  net::EventLoop loop;
  base::FakeClock clock;
  BoshSessions registry{loop, clock};
  Session handler;
  std::unique_ptr<BoshSession> session;
  std::shared_ptr<Answer> creationAnswer;
};

TEST_F(BoshSessionTest, CreationIsAnsweredWithTheGrantAndTheFeatures) {
  open();
  ASSERT_EQ(handler.heard.size(), 1U);
  EXPECT_EQ(handler.heard[0],
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/>");
  ASSERT_EQ(creationAnswer->bodies.size(), 1U);
  const std::string& body = creationAnswer->bodies[0];
  for (const char* expected :
       {" sid='sid1'", " wait='30'", " hold='1'", " requests='2'", " inactivity='60'",
        " polling='2'", " ver='1.11'", " from='example.com'", " xmpp:version='1.0'",
        " xmpp:restartlogic='true'", "<stream:features/></body>"}) {
    EXPECT_NE(body.find(expected), std::string::npos) << expected << " in " << body;
  }
  EXPECT_EQ(registry.find("sid1"), session.get());
}

TEST_F(BoshSessionTest, PayloadsGoToTheSessionAndAnswersWaitForData) {
  open();
  auto first = request(101, {"iq"});
  EXPECT_EQ(handler.heard.back(), "<iq xmlns='jabber:client'/>");
  EXPECT_TRUE(first->bodies.empty());  // held: nothing to say yet
  session->send("<iq type='result'/>");
  runPosted();
  ASSERT_EQ(first->bodies.size(), 1U);
  EXPECT_NE(first->bodies[0].find("<iq type='result'/></body>"), std::string::npos);
  // What is written while nothing is held waits for the next request.
  session->send("<message/>");
  runPosted();
  auto second = request(102);
  ASSERT_EQ(second->bodies.size(), 1U);
  EXPECT_NE(second->bodies[0].find("<message/>"), std::string::npos);
  EXPECT_EQ(handler.heard.back(), " ");  // an empty request is a keepalive
}

TEST_F(BoshSessionTest, HoldIsRespectedAndWaitIsNeverExceeded) {
  open();
  auto a = request(101);
  auto b = request(102);
  // hold 1: the older request is answered (empty) when the newer comes.
  EXPECT_EQ(a->bodies.size(), 1U);
  EXPECT_TRUE(b->bodies.empty());
  clock.advance(28s);
  session->tick(clock.steadyNow());
  EXPECT_TRUE(b->bodies.empty());
  clock.advance(1s);
  session->tick(clock.steadyNow());  // within a tick of its wait
  ASSERT_EQ(b->bodies.size(), 1U);
  EXPECT_TRUE(b->bodies[0].ends_with("/>"));
}

TEST_F(BoshSessionTest, OutOfOrderRidsAreProcessedInOrder) {
  open();
  auto later = request(102, {"presence"});
  EXPECT_EQ(handler.heard.size(), 1U);  // waits for 101
  auto earlier = request(101, {"iq"});
  ASSERT_EQ(handler.heard.size(), 3U);
  EXPECT_EQ(handler.heard[1], "<iq xmlns='jabber:client'/>");
  EXPECT_EQ(handler.heard[2], "<presence xmlns='jabber:client'/>");
}

TEST_F(BoshSessionTest, ARetransmittedRidGetsTheSameAnswer) {
  open();
  auto first = request(101, {"iq"});
  session->send("<iq type='result'/>");
  runPosted();
  ASSERT_EQ(first->bodies.size(), 1U);
  auto again = request(101, {"iq"});
  ASSERT_EQ(again->bodies.size(), 1U);
  EXPECT_EQ(again->bodies[0], first->bodies[0]);
  EXPECT_EQ(handler.heard.size(), 2U);  // not delivered twice
  EXPECT_FALSE(session->terminated());
}

TEST_F(BoshSessionTest, AHeldRequestSentAgainMovesToTheNewConnection) {
  open();
  auto first = request(101);
  first->connected = false;
  auto retry = request(101);
  session->send("<message/>");
  runPosted();
  ASSERT_EQ(retry->bodies.size(), 1U);
  EXPECT_NE(retry->bodies[0].find("<message/>"), std::string::npos);
}

TEST_F(BoshSessionTest, RidsOutsideTheWindowEndTheSession) {
  open();
  auto far = request(104);
  ASSERT_EQ(far->bodies.size(), 1U);
  EXPECT_NE(far->bodies[0].find("type='terminate' condition='item-not-found'"), std::string::npos);
  EXPECT_TRUE(session->terminated());
  EXPECT_EQ(registry.find("sid1"), nullptr);
  runPosted();
  EXPECT_TRUE(handler.closed);
}

TEST_F(BoshSessionTest, AnOldRidNoLongerCachedEndsTheSession) {
  open();
  request(101);
  request(102);
  request(103);
  auto stale = request(100);
  ASSERT_EQ(stale->bodies.size(), 1U);
  EXPECT_NE(stale->bodies[0].find("condition='item-not-found'"), std::string::npos);
}

TEST_F(BoshSessionTest, MoreRequestsAtOnceThanAllowedIsOveractivity) {
  open();  // hold 1, requests 2
  auto held = request(101);
  auto early = request(103);  // inside the window, waits for 102
  EXPECT_FALSE(session->terminated());
  auto third = request(102);  // 101, 102 and 103 all open at once: 3 > 2
  EXPECT_TRUE(session->terminated());
  for (const auto& answer : {held, early, third}) {
    ASSERT_EQ(answer->bodies.size(), 1U);
    EXPECT_NE(answer->bodies[0].find("type='terminate'"), std::string::npos);
  }
  EXPECT_NE(third->bodies[0].find("condition='policy-violation'"), std::string::npos);
}

TEST_F(BoshSessionTest, PollingTooFastIsAPolicyViolation) {
  open(/*hold=*/0);
  auto first = request(101);
  ASSERT_EQ(first->bodies.size(), 1U);  // hold 0: answered at once
  clock.advance(500ms);
  auto second = request(102);
  ASSERT_EQ(second->bodies.size(), 1U);
  EXPECT_NE(second->bodies[0].find("condition='policy-violation'"), std::string::npos);
  EXPECT_TRUE(session->terminated());
}

TEST_F(BoshSessionTest, PollingAtTheAdvertisedIntervalIsFine) {
  open(/*hold=*/0);
  request(101);
  clock.advance(2s);
  auto second = request(102);
  ASSERT_EQ(second->bodies.size(), 1U);
  EXPECT_EQ(second->bodies[0].find("terminate"), std::string::npos);
}

TEST_F(BoshSessionTest, RestartOpensANewStream) {
  open();
  auto restart = request(101, {}, /*restart=*/true);
  EXPECT_TRUE(handler.heard.back().starts_with("<open "));
  ASSERT_EQ(restart->bodies.size(), 1U);
  EXPECT_NE(restart->bodies[0].find("<stream:features/>"), std::string::npos);
}

TEST_F(BoshSessionTest, TerminateClosesTheStreamAndAnswersTerminate) {
  open();
  auto held = request(101);
  auto end = request(102, {"presence"}, false, /*terminate=*/true);
  EXPECT_EQ(handler.heard.back(), "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  ASSERT_EQ(end->bodies.size(), 1U);
  EXPECT_NE(end->bodies[0].find("type='terminate'"), std::string::npos);
  EXPECT_EQ(held->bodies.size(), 1U);
  EXPECT_EQ(registry.find("sid1"), nullptr);
  runPosted();
  EXPECT_TRUE(handler.closed);
}

TEST_F(BoshSessionTest, AStreamErrorIsARemoteStreamErrorWithTheErrorInside) {
  open();
  auto bad = request(101, {"bad"});
  ASSERT_EQ(bad->bodies.size(), 1U);
  EXPECT_NE(bad->bodies[0].find("condition='remote-stream-error'"), std::string::npos);
  EXPECT_NE(bad->bodies[0].find("<stream:error><bad-format/></stream:error>"), std::string::npos);
}

TEST_F(BoshSessionTest, InactivityEndsTheSessionAsALostConnection) {
  open();
  clock.advance(59s);
  session->tick(clock.steadyNow());
  runPosted();
  EXPECT_FALSE(handler.closed);
  clock.advance(2s);
  session->tick(clock.steadyNow());
  runPosted();
  EXPECT_TRUE(handler.closed);
  EXPECT_EQ(handler.closedWhy, "BOSH inactivity timeout");
  EXPECT_EQ(registry.find("sid1"), nullptr);
}

TEST_F(BoshSessionTest, AHeldRequestKeepsTheSessionAlive) {
  open();
  request(101);
  clock.advance(25s);
  session->tick(clock.steadyNow());
  request(102);
  clock.advance(25s);
  session->tick(clock.steadyNow());
  runPosted();
  EXPECT_FALSE(handler.closed);
}

TEST_F(BoshSessionTest, AQueueNobodyFetchesEndsTheSession) {
  open();
  for (int i = 0; i < 100 && !session->terminated(); ++i) session->send(std::string(100, 'x'));
  EXPECT_TRUE(session->terminated());
  runPosted();
  EXPECT_TRUE(handler.closed);
}

}  // namespace
}  // namespace keyfed::modules::c2s
