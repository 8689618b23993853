// A WebSocket route over real loopback TCP: the handshake, the hand-over of
// the connection (with bytes sent right behind the handshake), and the
// WebSocketStream's echo, ping and close behaviour.

#include <gtest/gtest.h>

#include <cctype>

#include "keyfed/http/server.hpp"
#include "keyfed/http/websocket_stream.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "loop_support.hpp"

namespace keyfed::http {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHandshake =
    "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Protocol: xmpp\r\n\r\n";

std::string masked(unsigned opcode, std::string_view payload, bool mask = true) {
  std::string out;
  out += static_cast<char>(0x80u | opcode);
  out += static_cast<char>((mask ? 0x80u : 0u) | payload.size());  // < 126 here
  if (!mask) return out + std::string(payload);
  const char key[4] = {1, 2, 3, 4};
  out.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += static_cast<char>(payload[i] ^ key[i & 3]);
  return out;
}

// The application on the server side: echoes each message back upper-cased.
struct Echo : net::ByteStreamHandler {
  std::unique_ptr<WebSocketStream> ws;
  bool closed = false;
  void onBytes(std::string_view bytes) override {
    std::string upper(bytes);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == "BYE") {
      ws->close();
      return;
    }
    ws->send(upper);
  }
  void onTlsEstablished() override {}
  void onClosed(std::string_view) override { closed = true; }
};

using testing::Client;
using testing::runUntil;

class WebSocketUpgradeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Route route;
    route.method = "GET";
    route.path = "/ws";
    route.subprotocol = "xmpp";
    route.upgrade = [this](const Request&, std::unique_ptr<net::ByteStream> stream,
                           std::string buffered) {
      echo.ws = std::make_unique<WebSocketStream>(std::move(stream), std::move(buffered), 64);
      echo.ws->start(&echo);
    };
    ASSERT_TRUE(router.add(std::move(route)));
    server = std::make_unique<HttpServer>(loop, router, Limits{});
    auto opened = net::Listener::open(
        loop, {}, [this](std::unique_ptr<net::ByteStream> s) { server->accept(std::move(s)); });
    ASSERT_TRUE(opened);
    listener = std::move(*opened);
    net::connectTcp(loop, "127.0.0.1", listener->port(),
                    [this](base::Result<std::unique_ptr<net::ByteStream>> s) {
                      if (!s) return;
                      client.stream = std::move(*s);
                      client.stream->start(&client);
                    });
    ASSERT_TRUE(runUntil(loop, [&] { return client.stream != nullptr; }));
  }

  bool receivedFrame(std::string_view frame) {
    return runUntil(loop, [&] { return client.received.find(frame) != std::string::npos; });
  }

  net::EventLoop loop;
  Router router;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<net::Listener> listener;
  Client client;
  Echo echo;
};

TEST_F(WebSocketUpgradeTest, HandsTheConnectionOverWithBytesSentBehindTheHandshake) {
  client.stream->send(std::string(kHandshake) + masked(0x1, "hello"));
  ASSERT_TRUE(receivedFrame("\x81\x05HELLO"));
  EXPECT_TRUE(client.received.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  EXPECT_NE(client.received.find("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
            std::string::npos);
  // HTTP no longer owns the connection.
  ASSERT_TRUE(runUntil(loop, [&] { return server->connectionCount() == 0; }));
  client.stream->send(masked(0x9, "png"));
  EXPECT_TRUE(receivedFrame("\x8A\x03png"));
  client.stream->send(masked(0x1, "bye"));
  EXPECT_TRUE(receivedFrame(std::string("\x88\x02\x03\xE8", 4)));  // close 1000
  EXPECT_TRUE(runUntil(loop, [&] { return client.closed && echo.closed; }));
}

TEST_F(WebSocketUpgradeTest, UnmaskedFrameClosesWith1002) {
  client.stream->send(kHandshake);
  ASSERT_TRUE(receivedFrame("\r\n\r\n"));
  client.stream->send(masked(0x1, "hello", false));
  ASSERT_TRUE(runUntil(loop, [&] { return client.closed; }));
  const auto close = client.received.find('\x88');
  ASSERT_NE(close, std::string::npos);
  EXPECT_EQ(client.received.substr(close + 2, 2), std::string("\x03\xEA", 2));  // 1002
  EXPECT_EQ(client.received.find("HELLO"), std::string::npos);
  EXPECT_TRUE(echo.closed);
}

TEST_F(WebSocketUpgradeTest, OversizeMessageClosesWith1009) {
  client.stream->send(std::string(kHandshake) + masked(0x1, std::string(100, 'x')));
  ASSERT_TRUE(runUntil(loop, [&] { return client.closed; }));
  const auto close = client.received.find('\x88');
  ASSERT_NE(close, std::string::npos);
  EXPECT_EQ(client.received.substr(close + 2, 2), std::string("\x03\xF1", 2));  // 1009
}

TEST_F(WebSocketUpgradeTest, RequestWithoutSubprotocolIsRefusedAndClosed) {
  std::string request(kHandshake);
  request.replace(request.find("Sec-WebSocket-Protocol: xmpp"), 28, "Sec-WebSocket-Protocol: chat");
  client.stream->send(request);
  ASSERT_TRUE(runUntil(loop, [&] { return client.closed; }));
  EXPECT_TRUE(client.received.starts_with("HTTP/1.1 400 ")) << client.received;
  EXPECT_EQ(echo.ws, nullptr);
}

TEST_F(WebSocketUpgradeTest, PlainGetIs426) {
  client.stream->send("GET /ws HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(runUntil(loop, [&] { return client.closed; }));
  EXPECT_TRUE(client.received.starts_with("HTTP/1.1 426 ")) << client.received;
  EXPECT_NE(client.received.find("upgrade: websocket"), std::string::npos);
}

TEST(WebSocketRoute, MustBeAGetWithoutBody) {
  Router router;
  Route route;
  route.method = "POST";
  route.path = "/ws";
  route.upgrade = [](const Request&, std::unique_ptr<net::ByteStream>, const std::string&) {};
  EXPECT_FALSE(router.add(route));
  route.method = "GET";
  EXPECT_TRUE(router.add(route));
}

}  // namespace
}  // namespace keyfed::http
