#include "keyfed/modules/bosh_config.hpp"

#include "stanza_size_config.hpp"

namespace keyfed::modules {

base::Result<void> registerBoshConfig(config::SectionRegistry& registry) {
  return registry.add("bosh", [](config::TableReader& t) -> std::any {
    BoshConfig c;
    c.enabled = t.boolean("enabled", c.enabled);
    // The HTTP request timeout of clients and proxies is rarely above 2 minutes.
    c.maxWait = std::chrono::seconds(t.integer("max_wait", c.maxWait.count(), 1, 120));
    c.maxHold = static_cast<std::uint32_t>(t.integer("max_hold", c.maxHold, 0, 4));
    c.inactivity = std::chrono::seconds(t.integer("inactivity", c.inactivity.count(), 10, 600));
    c.polling = std::chrono::seconds(t.integer("polling", c.polling.count(), 0, 60));
    c.maxBodyBytes = readStanzaSizedLimit(t, "max_body_bytes");
    return c;
  });
}

BoshConfig boshConfig(const config::Config& config) {
  const auto* section = config.section<BoshConfig>("bosh");
  BoshConfig c = section != nullptr ? *section : BoshConfig{};
  if (c.maxBodyBytes == 0) c.maxBodyBytes = config.limits.c2sStanzaSize;
  return c;
}

}  // namespace keyfed::modules
