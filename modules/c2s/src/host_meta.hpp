#pragma once
// XEP-0156 discovery over HTTP: GET /.well-known/host-meta (XRD) and
// /.well-known/host-meta.json name the WebSocket endpoint of the virtual host
// the request's Host header names (docs/websocket.md). No I/O: a request in,
// a response out.

#include "keyfed/config/config.hpp"
#include "keyfed/http/message.hpp"

namespace keyfed::modules::c2s {

inline constexpr std::string_view kWebSocketPath = "/xmpp-websocket";
inline constexpr std::string_view kAltConnectionsWebSocket = "urn:xmpp:alt-connections:websocket";
inline constexpr std::string_view kBoshPath = "/http-bind";
inline constexpr std::string_view kAltConnectionsBosh = "urn:xmpp:alt-connections:xbosh";

// Which endpoints host-meta names ([websocket], [bosh]).
struct HostMetaLinks {
  bool websocket = true;
  bool bosh = false;
};

enum class HostMetaFormat { xrd, json };

// 200 with the link for a configured virtual host, 404 for any other host,
// 400 for a Host header that is not host[:port]. Every answer carries
// Access-Control-Allow-Origin: * (web clients on other origins read it).
http::Response hostMeta(const config::Config& config, const http::Request& request,
                        HostMetaFormat format, HostMetaLinks links = {});

}  // namespace keyfed::modules::c2s
