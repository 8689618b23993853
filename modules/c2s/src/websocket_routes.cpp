// The c2s module's HTTPS routes (docs/websocket.md): GET /xmpp-websocket
// upgrades to an RFC 7395 client stream; XEP-0156 host-meta names it and the
// BOSH endpoint (bosh_routes.cpp).

#include "c2s_module.hpp"
#include "host_meta.hpp"
#include "keyfed/http/websocket_stream.hpp"
#include "keyfed/modules/bosh_config.hpp"
#include "keyfed/modules/websocket_config.hpp"

namespace keyfed::modules::c2s {

base::Result<void> C2sModule::addWebSocketRoutes(http::Router& routes) {
  const WebSocketConfig ws = webSocketConfig(server_->config());
  const HostMetaLinks links{ws.enabled, boshConfig(server_->config()).enabled};
  if (ws.enabled) {
    if (auto added = addWebSocketUpgrade(routes, ws); !added) return added;
  }
  if (!links.websocket && !links.bosh) return {};
  for (const auto& [path, format] :
       {std::pair{"/.well-known/host-meta", HostMetaFormat::xrd},
        std::pair{"/.well-known/host-meta.json", HostMetaFormat::json}}) {
    http::Route meta;
    meta.method = "GET";
    meta.path = path;
    meta.handler = [this, format = format, links](const http::Request& request) {
      return hostMeta(server_->config(), request, format, links);
    };
    if (auto added = routes.add(std::move(meta)); !added) return added;
  }
  return {};
}

base::Result<void> C2sModule::addWebSocketUpgrade(http::Router& routes, const WebSocketConfig& ws) {
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
  return routes.add(std::move(upgrade));
}

}  // namespace keyfed::modules::c2s
