#include "keyfed/modules/websocket_config.hpp"

namespace keyfed::modules {

base::Result<void> registerWebSocketConfig(config::SectionRegistry& registry) {
  return registry.add("websocket", [](config::TableReader& t) -> std::any {
    WebSocketConfig c;
    c.enabled = t.boolean("enabled", c.enabled);
    // RFC 6120 13.12: a stanza limit is at least 10,000 bytes.
    const auto bytes = t.integer("max_message_bytes", 0, 0, std::int64_t{16} * 1024 * 1024);
    if (bytes != 0 && bytes < 10000) {
      t.error("max_message_bytes", "config.range", "must be 0 or at least 10000");
    }
    c.maxMessageBytes = static_cast<std::size_t>(bytes);
    return c;
  });
}

WebSocketConfig webSocketConfig(const config::Config& config) {
  const auto* section = config.section<WebSocketConfig>("websocket");
  WebSocketConfig c = section != nullptr ? *section : WebSocketConfig{};
  if (c.maxMessageBytes == 0) c.maxMessageBytes = config.limits.c2sStanzaSize;
  return c;
}

}  // namespace keyfed::modules
