#pragma once
// The [stream_management] config section (docs/stream-management.md), in a
// library of its own so that keyfedctl checks the file without the module.

#include <chrono>
#include <cstddef>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::modules {

struct SmConfig {
  // How long a session whose connection broke waits to be resumed; 0 turns
  // resumption off (acks still work).
  std::chrono::seconds resumeTimeout{300};
  // Stanzas sent but not yet acknowledged; beyond it the session ends (and
  // the unacknowledged stanzas go to offline storage or are bounced).
  std::size_t maxUnacked = 1000;
};

// Registers [stream_management] with the loader.
base::Result<void> registerSmConfig(config::SectionRegistry& registry);

// The configured values, or the defaults when the section was not registered
// (module tests).
SmConfig smConfig(const config::Config& config);

}  // namespace keyfed::modules
