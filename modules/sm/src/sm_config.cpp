#include "keyfed/modules/sm_config.hpp"

#include "keyfed/config/config.hpp"

namespace keyfed::modules {

using namespace std::chrono_literals;

base::Result<void> registerSmConfig(config::SectionRegistry& registry) {
  return registry.add("stream_management", [](config::TableReader& t) -> std::any {
    SmConfig c;
    c.resumeTimeout = t.seconds("resume_timeout", c.resumeTimeout, 0s, 86400s);
    c.maxUnacked = static_cast<std::size_t>(
        t.integer("max_unacked", static_cast<std::int64_t>(c.maxUnacked), 16, 100000));
    return c;
  });
}

SmConfig smConfig(const config::Config& config) {
  const auto* section = config.section<SmConfig>("stream_management");
  return section != nullptr ? *section : SmConfig{};
}

}  // namespace keyfed::modules
