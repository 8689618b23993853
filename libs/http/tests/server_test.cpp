// HttpServer over real loopback TCP connections.

#include "keyfed/http/server.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "loop_support.hpp"

namespace keyfed::http {
namespace {

using namespace std::chrono_literals;

using testing::runUntil;

std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

class HttpServerTest : public ::testing::Test, public testing::LoopbackHttp {
 protected:
  void SetUp() override {
    ASSERT_TRUE(router.add({"POST", "/echo", 64, [](const Request& r) {
                              return Response::json(200, "{\"got\":\"" + r.body + "\"}");
                            }}));
    ASSERT_TRUE(router.add(
        {"GET", "/boom", 0, [](const Request&) -> Response { throw std::runtime_error("bug"); }}));
  }

  void serve(Limits limits = {}) { ASSERT_TRUE(LoopbackHttp::serve(limits)); }
};

TEST_F(HttpServerTest, AnswersSeveralRequestsOnOneKeptAliveConnection) {
  serve();
  auto c = connect();
  c->stream->send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi");
  c->stream->send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nyou");
  ASSERT_TRUE(runUntil(loop, [&] { return c->received.find("\"you\"") != std::string::npos; }));
  EXPECT_EQ(count(c->received, "HTTP/1.1 200 OK"), 2U);
  EXPECT_NE(c->received.find("{\"got\":\"hi\"}"), std::string::npos);
  EXPECT_FALSE(c->closed);
  EXPECT_EQ(server->connectionCount(), 1U);
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  serve();
  auto c = connect();
  c->stream->send("GET /nothing HTTP/1.1\r\nHost: h\r\n\r\nGET /echo HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(runUntil(loop, [&] { return c->received.find("405") != std::string::npos; }));
  EXPECT_NE(c->received.find("HTTP/1.1 404 Not Found"), std::string::npos);
  EXPECT_NE(c->received.find("allow: POST"), std::string::npos);
}

TEST_F(HttpServerTest, OversizeBodyIs413AndMalformedInput400BothClosing) {
  serve();
  for (auto [input, status] :
       {std::pair<std::string_view, std::string_view>{
            "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n", "413"},
        {"HELLO\x01 THERE\r\n\r\n", "400"}}) {
    auto c = connect();
    c->stream->send(input);
    ASSERT_TRUE(runUntil(loop, [&] { return c->closed; }));
    EXPECT_TRUE(c->received.starts_with("HTTP/1.1 " + std::string(status))) << c->received;
    EXPECT_NE(c->received.find("connection: close"), std::string::npos);
  }
}

// A route that admits a body only to requests its header check approves:
// "/put/ok" may send 3 bytes, anything else is refused before its body.
TEST_F(HttpServerTest, AHeaderCheckRefusesBeforeTheBodyOrNarrowsItsLimit) {
  int handled = 0;
  Route put{"PUT", "/put/*", 64, [&](const Request& r) {
              ++handled;
              return Response::json(201, "{\"got\":\"" + r.body + "\"}");
            }};
  put.checkHeader = [](const Request& header) {
    if (header.path == "/put/ok") return HeaderVerdict{std::nullopt, 3};
    return HeaderVerdict{Response::error(403, "test.no-slot", "no such slot"), 0};
  };
  ASSERT_TRUE(router.add(std::move(put)));
  serve();

  auto ok = connect();
  ok->stream->send("PUT /put/ok HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_TRUE(runUntil(loop, [&] { return ok->received.find("abc") != std::string::npos; }));
  EXPECT_TRUE(ok->received.starts_with("HTTP/1.1 201 ")) << ok->received;

  // Within the route's 64 bytes, but more than the check allowed.
  auto large = connect();
  large->stream->send("PUT /put/ok HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n");
  ASSERT_TRUE(runUntil(loop, [&] { return large->closed; }));
  EXPECT_TRUE(large->received.starts_with("HTTP/1.1 413 ")) << large->received;

  auto refused = connect();
  refused->stream->send("PUT /put/other HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n");
  ASSERT_TRUE(runUntil(loop, [&] { return refused->closed; }));
  EXPECT_TRUE(refused->received.starts_with("HTTP/1.1 403 ")) << refused->received;
  EXPECT_NE(refused->received.find("test.no-slot"), std::string::npos);
  EXPECT_EQ(handled, 1);
}

TEST_F(HttpServerTest, AHandlerExceptionIs500NotACrash) {
  serve();
  auto c = connect();
  c->stream->send("GET /boom HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(runUntil(loop, [&] { return !c->received.empty(); }));
  EXPECT_TRUE(c->received.starts_with("HTTP/1.1 500 ")) << c->received;
}

TEST_F(HttpServerTest, ASlowRequestIs408AndAnIdleConnectionCloses) {
  Limits limits;
  limits.requestTimeout = 1s;
  limits.idleTimeout = 1s;
  serve(limits);
  auto slow = connect();
  auto idle = connect();
  slow->stream->send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
  ASSERT_TRUE(runUntil(loop, [&] { return slow->closed && idle->closed; }));
  EXPECT_TRUE(slow->received.starts_with("HTTP/1.1 408 ")) << slow->received;
  EXPECT_EQ(idle->received, "");
}

TEST_F(HttpServerTest, ConnectionsPerAddressAreLimited) {
  Limits limits;
  limits.connectionsPerAddress = 2;
  serve(limits);
  auto a = connect();
  auto b = connect();
  ASSERT_TRUE(runUntil(loop, [&] { return server->connectionCount() == 2; }));
  auto c = connect();
  ASSERT_TRUE(runUntil(loop, [&] { return c->closed; }));
  EXPECT_EQ(server->connectionCount(), 2U);
  a->stream->close();
  ASSERT_TRUE(runUntil(loop, [&] { return server->connectionCount() == 1; }));
}

TEST_F(HttpServerTest, ShutdownClosesIdleConnections) {
  serve();
  auto c = connect();
  ASSERT_TRUE(runUntil(loop, [&] { return server->connectionCount() == 1; }));
  server->shutdown();
  ASSERT_TRUE(runUntil(loop, [&] { return c->closed; }));
}

}  // namespace
}  // namespace keyfed::http
