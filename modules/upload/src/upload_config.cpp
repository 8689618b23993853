#include "keyfed/modules/upload_config.hpp"

namespace keyfed::modules {
namespace {

using namespace std::chrono_literals;

// "https://host[:port]": what clients put in front of /upload/... (a reverse
// proxy passes the path through unchanged, so no path of its own).
bool validPublicUrl(std::string_view url) {
  constexpr std::string_view scheme = "https://";
  if (!url.starts_with(scheme)) return false;
  const std::string_view authority = url.substr(scheme.size());
  if (authority.empty()) return false;
  for (char c : authority) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

base::Result<void> registerUploadConfig(config::SectionRegistry& registry) {
  return registry.add("upload", [](config::TableReader& t) -> std::any {
    UploadConfig c;
    c.enabled = t.boolean("enabled", c.enabled);
    c.maxFileSize = static_cast<std::size_t>(t.integer(
        "max_file_size", static_cast<std::int64_t>(c.maxFileSize), 1, std::int64_t{1} << 30));
    c.quota = static_cast<std::uint64_t>(
        t.integer("quota", static_cast<std::int64_t>(c.quota), 0, std::int64_t{1} << 50));
    c.expireAfter = t.seconds("expire_after", c.expireAfter, 0s, std::chrono::hours{24 * 3650});
    c.slotLifetime = t.seconds("slot_lifetime", c.slotLifetime, 10s, 86400s);
    c.maxPendingSlots = static_cast<std::size_t>(
        t.integer("max_pending_slots", static_cast<std::int64_t>(c.maxPendingSlots), 1, 1000));
    c.publicUrl = t.string("public_url", "", 256);
    while (c.publicUrl.ends_with('/')) c.publicUrl.pop_back();
    if (!c.publicUrl.empty() && !validPublicUrl(c.publicUrl)) {
      t.error("public_url", "config.value", "must be https://host or https://host:port");
    }
    // Relative to data_dir, which the module knows (uploadDirectory()).
    c.directory = t.string("directory", "upload", 1024);
    return c;
  });
}

std::filesystem::path uploadDirectory(const UploadConfig& upload, const config::Config& config) {
  const std::filesystem::path dir = upload.directory.empty() ? "upload" : upload.directory;
  return dir.is_absolute() ? dir : config.server.dataDir / dir;
}

UploadConfig uploadConfig(const config::Config& config) {
  const auto* section = config.section<UploadConfig>("upload");
  return section != nullptr ? *section : UploadConfig{};
}

}  // namespace keyfed::modules
