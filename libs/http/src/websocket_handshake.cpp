// The RFC 6455 opening handshake (docs/websocket.md).

#include "keyfed/http/websocket_handshake.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cctype>

namespace keyfed::http {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 6455 4.1: the key is 16 random bytes in base64, 24 characters ending in "==".
bool validKey(std::string_view key) {
  if (key.size() != 24 || !key.ends_with("==")) return false;
  std::array<unsigned char, 18> decoded{};
  return EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(key.data()),
                         static_cast<int>(key.size())) == 18;
}

HandshakeCheck refuse(int status, std::string_view code, std::string_view message) {
  HandshakeCheck check;
  check.refusal = Response::error(status, code, message);
  if (status == 426) {
    check.refusal.headers.push_back({"upgrade", "websocket"});
    check.refusal.headers.push_back({"sec-websocket-version", "13"});
  }
  return check;
}

}  // namespace

bool listsToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (equalsIgnoreCase(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

HandshakeCheck checkWebSocketHandshake(const Request& request, std::string_view subprotocol) {
  const std::string* upgrade = request.header("upgrade");
  if (upgrade == nullptr || !listsToken(*upgrade, "websocket")) {
    return refuse(426, "http.upgrade-required", "this path speaks WebSocket only");
  }
  const std::string* connection = request.header("connection");
  if (connection == nullptr || !listsToken(*connection, "upgrade")) {
    return refuse(400, "http.bad-handshake", "Connection must list upgrade");
  }
  const std::string* version = request.header("sec-websocket-version");
  if (version == nullptr || trim(*version) != "13") {
    return refuse(426, "http.websocket-version", "only WebSocket version 13 is spoken");
  }
  const std::string* key = request.header("sec-websocket-key");
  if (key == nullptr || !validKey(trim(*key))) {
    return refuse(400, "http.bad-handshake", "Sec-WebSocket-Key must be 16 bytes in base64");
  }
  // Clients may send the field more than once (RFC 6455 11.3.4): any may list it.
  bool offered = false;
  for (const Header& h : request.headers) {
    if (h.name == "sec-websocket-protocol" && listsToken(h.value, subprotocol)) offered = true;
  }
  if (!offered) {
    return refuse(400, "http.subprotocol",
                  "Sec-WebSocket-Protocol must offer " + std::string(subprotocol));
  }
  HandshakeCheck check;
  check.ok = true;
  check.accept = webSocketAccept(trim(*key));
  return check;
}

std::string webSocketAccept(std::string_view key) {
  std::string input(key);
  input += kGuid;
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  std::array<unsigned char, 4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1> encoded{};
  const int n = EVP_EncodeBlock(encoded.data(), digest.data(), SHA_DIGEST_LENGTH);
  return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n)};
}

std::string switchingProtocols(std::string_view accept, std::string_view subprotocol) {
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n"
      "sec-websocket-accept: ";
  out += accept;
  out += "\r\nsec-websocket-protocol: ";
  out += subprotocol;
  out += "\r\n\r\n";
  return out;
}

}  // namespace keyfed::http
