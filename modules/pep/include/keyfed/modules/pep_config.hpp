#pragma once
// The [pep] config section (docs/pep.md), in a library of its own so that
// keyfedctl checks the file without the module.

#include <cstddef>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::modules {

struct PepConfig {
  // One item's payload as serialized XML; larger publishes are refused
  // with <payload-too-big/>. Avatars (XEP-0084) need the most.
  std::size_t maxPayloadBytes = std::size_t{256} * 1024;
  // Items kept per node, whatever max_items says ("max" means this).
  std::size_t maxItemsPerNode = 256;
  // Nodes per account; creating one more is refused.
  std::size_t maxNodesPerAccount = 256;
  // Verified entity capabilities (XEP-0115) remembered, by 'ver'.
  std::size_t capsCacheSize = 4096;
  // Explicit subscriptions (XEP-0060 6.1) on one node, and on all of an
  // account's nodes together; a new one beyond is refused.
  std::size_t maxSubscriptionsPerNode = 1000;
  std::size_t maxSubscriptionsPerAccount = 10000;
};

// Registers [pep] with the loader.
base::Result<void> registerPepConfig(config::SectionRegistry& registry);

// The configured values, or the defaults when the section was not registered
// (module tests).
PepConfig pepConfig(const config::Config& config);

}  // namespace keyfed::modules
