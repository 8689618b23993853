// The RFC 6455 opening handshake checks.

#include "keyfed/http/websocket_handshake.hpp"

#include <gtest/gtest.h>

namespace keyfed::http {
namespace {

Request handshake() {
  Request r;
  r.method = "GET";
  r.path = r.target = "/xmpp-websocket";
  r.headers = {{"host", "example.com"},
               {"upgrade", "websocket"},
               {"connection", "keep-alive, Upgrade"},
               {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="},
               {"sec-websocket-version", "13"},
               {"sec-websocket-protocol", "chat, xmpp"}};
  return r;
}

void setHeader(Request& r, std::string_view name, std::string value) {
  for (auto& h : r.headers) {
    if (h.name == name) {
      h.value = std::move(value);
      return;
    }
  }
  r.headers.push_back({std::string(name), std::move(value)});
}

std::string responseHeader(const Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

void dropHeader(Request& r, std::string_view name) {
  std::erase_if(r.headers, [&](const Header& h) { return h.name == name; });
}

TEST(WebSocketHandshake, AcceptsAValidRequestWithTheRfcAcceptValue) {
  const auto check = checkWebSocketHandshake(handshake(), "xmpp");
  ASSERT_TRUE(check.ok);
  // RFC 6455 1.3's example.
  EXPECT_EQ(check.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const std::string answer = switchingProtocols(check.accept, "xmpp");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  EXPECT_NE(answer.find("sec-websocket-protocol: xmpp\r\n"), std::string::npos);
  EXPECT_NE(answer.find("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string::npos);
  EXPECT_TRUE(answer.ends_with("\r\n\r\n"));
}

TEST(WebSocketHandshake, PlainGetIs426WithUpgrade) {
  Request r = handshake();
  dropHeader(r, "upgrade");
  const auto check = checkWebSocketHandshake(r, "xmpp");
  ASSERT_FALSE(check.ok);
  EXPECT_EQ(check.refusal.status, 426);
  EXPECT_EQ(responseHeader(check.refusal, "upgrade"), "websocket");
}

TEST(WebSocketHandshake, OtherVersionIs426NamingVersion13) {
  Request r = handshake();
  setHeader(r, "sec-websocket-version", "8");
  const auto check = checkWebSocketHandshake(r, "xmpp");
  ASSERT_FALSE(check.ok);
  EXPECT_EQ(check.refusal.status, 426);
  EXPECT_EQ(responseHeader(check.refusal, "sec-websocket-version"), "13");
}

TEST(WebSocketHandshake, BadConnectionKeyOrProtocolIs400) {
  Request noConnection = handshake();
  setHeader(noConnection, "connection", "keep-alive");
  Request shortKey = handshake();
  setHeader(shortKey, "sec-websocket-key", "c2hvcnQ=");
  Request garbageKey = handshake();
  setHeader(garbageKey, "sec-websocket-key", "!!!!!!!!!!!!!!!!!!!!!!==");
  Request noXmpp = handshake();
  setHeader(noXmpp, "sec-websocket-protocol", "chat, xmpp-ish");
  Request noProtocol = handshake();
  dropHeader(noProtocol, "sec-websocket-protocol");
  for (const Request* r : {&noConnection, &shortKey, &garbageKey, &noXmpp, &noProtocol}) {
    const auto check = checkWebSocketHandshake(*r, "xmpp");
    EXPECT_FALSE(check.ok);
    EXPECT_EQ(check.refusal.status, 400);
  }
}

TEST(WebSocketHandshake, TokenListsIgnoreCaseAndSpaces) {
  EXPECT_TRUE(listsToken("keep-alive,  UPGRADE ", "upgrade"));
  EXPECT_TRUE(listsToken("xmpp", "xmpp"));
  EXPECT_FALSE(listsToken("xmpp-framing, chat", "xmpp"));
  EXPECT_FALSE(listsToken("", "xmpp"));
}

}  // namespace
}  // namespace keyfed::http
