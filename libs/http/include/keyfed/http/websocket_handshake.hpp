#pragma once
// The RFC 6455 opening handshake, server side (docs/websocket.md): checks a
// GET request's upgrade headers and writes the 101 answer. No I/O.

#include <string>
#include <string_view>

#include "keyfed/http/message.hpp"

namespace keyfed::http {

struct HandshakeCheck {
  bool ok = false;
  // When not ok: the answer to send (400, or 426 with Upgrade and
  // Sec-WebSocket-Version: 13), and the connection closes.
  Response refusal;
  // When ok: the Sec-WebSocket-Accept value.
  std::string accept;
};

// Checks Upgrade: websocket, Connection: upgrade, Sec-WebSocket-Version: 13, a
// Sec-WebSocket-Key of 16 base64 bytes, and that Sec-WebSocket-Protocol lists
// `subprotocol` (RFC 7395: "xmpp"). Extensions the client offers are ignored:
// none is answered, so none is in use.
HandshakeCheck checkWebSocketHandshake(const Request& request, std::string_view subprotocol);

// base64(SHA-1(key + the RFC 6455 GUID)).
std::string webSocketAccept(std::string_view key);

// "HTTP/1.1 101 Switching Protocols" with Upgrade, Connection,
// Sec-WebSocket-Accept and Sec-WebSocket-Protocol.
std::string switchingProtocols(std::string_view accept, std::string_view subprotocol);

// Whether a comma-separated header value lists `token` (case-insensitive,
// surrounding spaces ignored): "keep-alive, Upgrade" lists "upgrade".
bool listsToken(std::string_view value, std::string_view token);

}  // namespace keyfed::http
