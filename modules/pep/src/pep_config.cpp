#include "keyfed/modules/pep_config.hpp"

namespace keyfed::modules {

base::Result<void> registerPepConfig(config::SectionRegistry& registry) {
  return registry.add("pep", [](config::TableReader& t) -> std::any {
    PepConfig c;
    auto size = [&t](std::string_view key, std::size_t fallback, std::int64_t min,
                     std::int64_t max) {
      return static_cast<std::size_t>(
          t.integer(key, static_cast<std::int64_t>(fallback), min, max));
    };
    c.maxPayloadBytes = size("max_payload_bytes", c.maxPayloadBytes, 1024, 1 << 20);
    c.maxItemsPerNode = size("max_items_per_node", c.maxItemsPerNode, 1, 10000);
    c.maxNodesPerAccount = size("max_nodes_per_account", c.maxNodesPerAccount, 1, 10000);
    c.capsCacheSize = size("caps_cache_size", c.capsCacheSize, 16, 1000000);
    c.maxSubscriptionsPerNode =
        size("max_subscriptions_per_node", c.maxSubscriptionsPerNode, 1, 100000);
    c.maxSubscriptionsPerAccount =
        size("max_subscriptions_per_account", c.maxSubscriptionsPerAccount, 1, 1000000);
    return c;
  });
}

PepConfig pepConfig(const config::Config& config) {
  const auto* section = config.section<PepConfig>("pep");
  return section != nullptr ? *section : PepConfig{};
}

}  // namespace keyfed::modules
