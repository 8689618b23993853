// Routes that answer later (Responder, docs/http.md) over real loopback TCP.

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "keyfed/http/server.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "loop_support.hpp"

namespace keyfed::http {
namespace {

using namespace std::chrono_literals;
using testing::runUntil;

class DeferredResponseTest : public ::testing::Test, public testing::LoopbackHttp {
 protected:
  void SetUp() override {
    Route held;
    held.method = "POST";
    held.path = "/hold";
    held.maxBodyBytes = 64;
    held.deferredTimeout = 300ms;
    held.deferred = [this](const Request& r, Responder responder) {
      if (r.body == "now") {
        responder.answer(Response::json(200, "{\"at\":\"once\"}"));
        return;
      }
      if (r.body == "drop") return;  // the Responder's destructor answers 500
      pending.emplace(std::move(responder));
    };
    ASSERT_TRUE(router.add(std::move(held)));
    ASSERT_TRUE(serve());
  }

  static std::string post(std::string_view body) {
    return "POST /hold HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + std::string(body);
  }

  std::optional<Responder> pending;
};

TEST_F(DeferredResponseTest, AnswersLaterAndThenServesThePipelinedRequest) {
  auto c = connect();
  c->stream->send(post("wait") + post("now"));
  ASSERT_TRUE(runUntil(loop, [&] { return pending.has_value(); }));
  // Nothing is answered while the first request is held, not even the second.
  for (int turn = 0; turn < 50; ++turn) {
    loop.poll();
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(c->received, "");
  ASSERT_TRUE(pending->connected());
  EXPECT_TRUE(pending->answer(Response::json(200, "{\"at\":\"later\"}")));
  EXPECT_FALSE(pending->connected());
  ASSERT_TRUE(runUntil(loop, [&] { return c->received.find("once") != std::string::npos; }));
  const auto later = c->received.find("later");
  ASSERT_NE(later, std::string::npos);
  EXPECT_LT(later, c->received.find("once"));  // in order
  EXPECT_FALSE(c->closed);
}

TEST_F(DeferredResponseTest, ASecondAnswerIsRefused) {
  auto c = connect();
  c->stream->send(post("wait"));
  ASSERT_TRUE(runUntil(loop, [&] { return pending.has_value(); }));
  EXPECT_TRUE(pending->answer(Response::json(200, "{}")));
  EXPECT_FALSE(pending->answer(Response::json(200, "{}")));
}

TEST_F(DeferredResponseTest, TheClientGoingAwayDisconnectsTheResponder) {
  auto c = connect();
  c->stream->send(post("wait"));
  ASSERT_TRUE(runUntil(loop, [&] { return pending.has_value(); }));
  c->stream->close();
  ASSERT_TRUE(runUntil(loop, [&] { return !pending->connected(); }));
  EXPECT_FALSE(pending->answer(Response::json(200, "{}")));
  EXPECT_TRUE(runUntil(loop, [&] { return server->connectionCount() == 0; }));
}

TEST_F(DeferredResponseTest, UnansweredInTimeIs504AndCloses) {
  auto c = connect();
  c->stream->send(post("wait"));
  ASSERT_TRUE(runUntil(loop, [&] { return c->closed; }));
  EXPECT_NE(c->received.find("HTTP/1.1 504"), std::string::npos);
  EXPECT_NE(c->received.find("http.timeout"), std::string::npos);
  EXPECT_FALSE(pending->connected());
}

TEST_F(DeferredResponseTest, ADroppedResponderAnswers500) {
  auto c = connect();
  c->stream->send(post("drop"));
  ASSERT_TRUE(runUntil(loop, [&] { return !c->received.empty(); }));
  EXPECT_NE(c->received.find("HTTP/1.1 500"), std::string::npos);
}

TEST_F(DeferredResponseTest, PipelinedFloodBehindAHeldRequestCloses) {
  auto c = connect();
  c->stream->send(post("wait"));
  ASSERT_TRUE(runUntil(loop, [&] { return pending.has_value(); }));
  c->stream->send(std::string(Limits{}.headerBytes + std::size_t{32} * 1024, 'x'));
  ASSERT_TRUE(runUntil(loop, [&] { return c->closed; }));
  EXPECT_FALSE(pending->connected());
}

}  // namespace
}  // namespace keyfed::http
