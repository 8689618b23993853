#pragma once
// The [muc] config section (docs/muc.md), in a library of its own so that
// keyfedctl checks the file without the module.

#include <cstddef>
#include <string>
#include <vector>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::modules {

struct MucConfig {
  bool enabled = false;
  // "" serves conference.<host> for every virtual host; otherwise this one
  // domain serves the users of every virtual host.
  std::string domain;
  // Bare JIDs that may create rooms; empty: every user of a served host.
  std::vector<std::string> creators;
  std::size_t maxRooms = 1000;      // rooms of one service at once
  std::size_t maxOccupants = 200;   // per room; a room's maxusers may be lower
  std::size_t maxHistory = 50;      // messages kept per room; historylength may be lower
  std::size_t defaultHistory = 20;  // historylength of a new room
  std::size_t maxNickBytes = 64;    // nickname length, in bytes of UTF-8
  // XEP-0313 room archives (docs/muc.md, "Room archive"): whether a new room
  // archives (its muc#roomconfig_enablearchiving), and the retention of
  // every room's archive (0: as long as the room exists).
  bool archiveByDefault = true;
  std::size_t archiveExpireAfterDays = 0;
};

// Registers [muc] with the loader.
base::Result<void> registerMucConfig(config::SectionRegistry& registry);

// The configured values, or the defaults when the section was not registered
// (module tests).
MucConfig mucConfig(const config::Config& config);

}  // namespace keyfed::modules
