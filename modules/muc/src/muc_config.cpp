#include "keyfed/modules/muc_config.hpp"

#include <algorithm>

namespace keyfed::modules {

base::Result<void> registerMucConfig(config::SectionRegistry& registry) {
  return registry.add("muc", [](config::TableReader& t) -> std::any {
    MucConfig c;
    c.enabled = t.boolean("enabled", c.enabled);
    c.domain = t.string("domain", c.domain, 1023);
    if (c.domain.find_first_of("@/ ") != std::string::npos) {
      t.error("domain", "config.value", "must be a domain name (no '@', '/' or spaces)");
      c.domain.clear();
    }
    c.creators = t.strings("creators", c.creators, 1000, 3071);
    auto count = [&t](std::string_view key, std::size_t fallback, std::int64_t min,
                      std::int64_t max) {
      return static_cast<std::size_t>(
          t.integer(key, static_cast<std::int64_t>(fallback), min, max));
    };
    c.maxRooms = count("max_rooms", c.maxRooms, 1, 1000000);
    c.maxOccupants = count("max_occupants", c.maxOccupants, 1, 100000);
    c.maxHistory = count("max_history", c.maxHistory, 0, 10000);
    c.defaultHistory = count("default_history", c.defaultHistory, 0, 10000);
    c.maxNickBytes = count("max_nick_length", c.maxNickBytes, 1, 1023);
    c.defaultHistory = std::min(c.defaultHistory, c.maxHistory);
    c.archiveByDefault = t.boolean("archive_by_default", c.archiveByDefault);
    c.archiveExpireAfterDays =
        count("archive_expire_after_days", c.archiveExpireAfterDays, 0, 36500);
    return c;
  });
}

MucConfig mucConfig(const config::Config& config) {
  const auto* section = config.section<MucConfig>("muc");
  return section != nullptr ? *section : MucConfig{};
}

}  // namespace keyfed::modules
