#pragma once
// The [websocket] config section (docs/websocket.md), in a library of its own
// so that keyfedctl checks the file without the module.
//
//   [websocket]
//   enabled = true            # GET /xmpp-websocket and host-meta on the https listeners
//   max_message_bytes = 0     # 0: the c2s stanza limit ([limits] c2s_stanza_size)

#include <cstddef>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::modules {

struct WebSocketConfig {
  bool enabled = true;
  // The largest WebSocket message (one XML element); past it the connection
  // closes with 1009. 0 means the c2s stanza limit.
  std::size_t maxMessageBytes = 0;
};

base::Result<void> registerWebSocketConfig(config::SectionRegistry& registry);

// The configured values (defaults when the section was not registered), with
// maxMessageBytes resolved against [limits].
WebSocketConfig webSocketConfig(const config::Config& config);

}  // namespace keyfed::modules
