#pragma once
// The [mam] config section (docs/mam.md, docs/config.md), in a library of its
// own so that keyfedctl checks the file without the module.

#include <chrono>
#include <cstddef>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"
#include "keyfed/storage/archive_types.hpp"

namespace keyfed::modules {

struct MamConfig {
  // Off: nothing is archived, nothing advertised, queries are answered by the
  // router (service-unavailable).
  bool enabled = true;
  // The archiving default of users who never set preferences (XEP-0313 section 7).
  storage::ArchiveDefault defaultMode = storage::ArchiveDefault::always;
  // Messages older than this many days are deleted; 0 keeps them forever.
  std::size_t expireAfterDays = 0;
  // How often the writer looks for expired messages.
  std::chrono::seconds expireInterval{3600};
  // The writer commits at most this many messages per transaction (about
  // 40 ms of the writer's time at 4096) ...
  std::size_t batchSize = 4096;
  // ... and holds a message at most this long before committing it.
  std::chrono::milliseconds batchDelay{50};
  // Messages waiting for the writer before delivery waits for it (at most
  // lagWait each time): the server slows to the archive's pace rather than
  // leave messages unarchived. 0: never waits. Deep enough that a saturated
  // writer commits full batches: docs/performance.md measured 12-17k msg/s
  // sustained with 512/4096 against 23-26k with 4096/32768.
  std::size_t lagLimit = 32768;
  std::chrono::milliseconds lagWait{250};
  // Messages waiting for the writer; past it archiving is refused (logged and
  // counted) while delivery goes on (only when the writer is stalled).
  std::size_t queueCapacity = 100000;
  // RSM page sizes: without <max/>, and the most one page returns.
  std::size_t defaultPageSize = 50;
  std::size_t maxPageSize = 250;
};

// Registers [mam] with the loader.
base::Result<void> registerMamConfig(config::SectionRegistry& registry);

// The configured values, or the defaults when the section was not registered
// (module tests).
MamConfig mamConfig(const config::Config& config);

}  // namespace keyfed::modules
