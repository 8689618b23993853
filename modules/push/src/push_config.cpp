#include "keyfed/modules/push_config.hpp"

namespace keyfed::modules {

using namespace std::chrono_literals;

base::Result<void> registerPushConfig(config::SectionRegistry& registry) {
  return registry.add("push", [](config::TableReader& t) -> std::any {
    PushConfig c;
    c.enabled = t.boolean("enabled", c.enabled);
    c.maxRegistrations = static_cast<std::size_t>(
        t.integer("max_registrations", static_cast<std::int64_t>(c.maxRegistrations), 1, 100));
    c.includeBody = t.boolean("include_body", c.includeBody);
    c.includeSender = t.boolean("include_sender", c.includeSender);
    c.minInterval = t.seconds("min_interval", c.minInterval, 0s, 3600s);
    return c;
  });
}

PushConfig pushConfig(const config::Config& config) {
  const auto* section = config.section<PushConfig>("push");
  return section != nullptr ? *section : PushConfig{};
}

}  // namespace keyfed::modules
