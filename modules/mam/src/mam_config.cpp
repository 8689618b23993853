#include "keyfed/modules/mam_config.hpp"

namespace keyfed::modules {

using namespace std::chrono_literals;

base::Result<void> registerMamConfig(config::SectionRegistry& registry) {
  return registry.add("mam", [](config::TableReader& t) -> std::any {
    MamConfig c;
    c.enabled = t.boolean("enabled", c.enabled);
    c.defaultMode = static_cast<storage::ArchiveDefault>(t.choice(
        "default", {"always", "never", "roster"}, static_cast<std::size_t>(c.defaultMode)));
    c.expireAfterDays = static_cast<std::size_t>(
        t.integer("expire_after_days", static_cast<std::int64_t>(c.expireAfterDays), 0, 36500));
    c.expireInterval = t.seconds("expire_interval", c.expireInterval, 60s, 86400s);
    c.batchSize = static_cast<std::size_t>(
        t.integer("batch_size", static_cast<std::int64_t>(c.batchSize), 1, 10000));
    c.batchDelay =
        std::chrono::milliseconds(t.integer("batch_delay_ms", c.batchDelay.count(), 1, 10000));
    c.queueCapacity = static_cast<std::size_t>(
        t.integer("queue_capacity", static_cast<std::int64_t>(c.queueCapacity), 100, 10'000'000));
    c.lagLimit = static_cast<std::size_t>(
        t.integer("lag_limit", static_cast<std::int64_t>(c.lagLimit), 0, 10'000'000));
    c.lagWait = std::chrono::milliseconds(t.integer("lag_wait_ms", c.lagWait.count(), 1, 5000));
    if (c.lagLimit > c.queueCapacity) {
      t.error("lag_limit", "config.range", "must not exceed queue_capacity");
    }
    // 1000 is the storage's own cap (storage::Limits::archivePageRows).
    c.maxPageSize = static_cast<std::size_t>(
        t.integer("max_page_size", static_cast<std::int64_t>(c.maxPageSize), 1, 1000));
    c.defaultPageSize = static_cast<std::size_t>(
        t.integer("default_page_size", static_cast<std::int64_t>(c.defaultPageSize), 1, 1000));
    if (c.defaultPageSize > c.maxPageSize) {
      t.error("default_page_size", "config.range", "must not exceed max_page_size");
    }
    return c;
  });
}

MamConfig mamConfig(const config::Config& config) {
  const auto* section = config.section<MamConfig>("mam");
  return section != nullptr ? *section : MamConfig{};
}

}  // namespace keyfed::modules
