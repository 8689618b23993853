// The c2s module's HTTPS routes (docs/websocket.md): GET /xmpp-websocket
// upgrades to an RFC 7395 client stream; XEP-0156 host-meta names it.

#include "c2s_module.hpp"
#include "host_meta.hpp"
#include "keyfed/http/websocket_stream.hpp"
#include "keyfed/modules/websocket_config.hpp"

namespace keyfed::modules::c2s {

base::Result<void> C2sModule::addWebSocketRoutes(http::Router& routes) {
  const WebSocketConfig ws = webSocketConfig(server_->config());
  if (!ws.enabled) return {};
  http::Route upgrade;
  upgrade.method = "GET";
  upgrade.path = std::string(kWebSocketPath);
  upgrade.subprotocol = "xmpp";  // RFC 7395 3.1
  upgrade.upgrade = [this, maxMessage = ws.maxMessageBytes](const http::Request& /*request*/,
                                                            std::unique_ptr<net::ByteStream> stream,
                                                            std::string buffered) {
    accept(
        std::make_unique<http::WebSocketStream>(std::move(stream), std::move(buffered), maxMessage),
        Framing::websocket);
  };
  if (auto added = routes.add(std::move(upgrade)); !added) return added;
  for (const auto& [path, format] :
       {std::pair{"/.well-known/host-meta", HostMetaFormat::xrd},
        std::pair{"/.well-known/host-meta.json", HostMetaFormat::json}}) {
    http::Route meta;
    meta.method = "GET";
    meta.path = path;
    meta.handler = [this, format = format](const http::Request& request) {
      return hostMeta(server_->config(), request, format);
    };
    if (auto added = routes.add(std::move(meta)); !added) return added;
  }
  return {};
}

}  // namespace keyfed::modules::c2s
