#include "keyfed/modules/websocket_config.hpp"

#include "stanza_size_config.hpp"

namespace keyfed::modules {

base::Result<void> registerWebSocketConfig(config::SectionRegistry& registry) {
  return registry.add("websocket", [](config::TableReader& t) -> std::any {
    WebSocketConfig c;
    c.enabled = t.boolean("enabled", c.enabled);
    c.maxMessageBytes = readStanzaSizedLimit(t, "max_message_bytes");
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
