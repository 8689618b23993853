#pragma once
// The [bosh] config section (docs/bosh.md), beside [websocket] in the c2s
// module's config library so that keyfedctl checks the file without the module.
//
//   [bosh]
//   enabled = true            # POST /http-bind on the https listeners
//   max_wait = 60             # seconds a request may be held (the client's wait, at most this)
//   max_hold = 1              # requests held at once (the client's hold, at most this)
//   inactivity = 60           # seconds without a request before the session ends
//   polling = 2               # shortest interval between empty polls when hold is 0
//   max_body_bytes = 0        # 0: [limits] c2s_stanza_size

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::modules {

struct BoshConfig {
  bool enabled = true;
  std::chrono::seconds maxWait{60};
  std::uint32_t maxHold = 1;
  std::chrono::seconds inactivity{60};
  std::chrono::seconds polling{2};
  // The largest request body; past it 413 before the body is read. 0 means
  // the c2s stanza limit.
  std::size_t maxBodyBytes = 0;
};

base::Result<void> registerBoshConfig(config::SectionRegistry& registry);

// The configured values (defaults when the section was not registered), with
// maxBodyBytes resolved against [limits].
BoshConfig boshConfig(const config::Config& config);

}  // namespace keyfed::modules
