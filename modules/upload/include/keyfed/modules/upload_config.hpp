#pragma once
// The [upload] config section (docs/upload.md), in a library of its own so
// that keyfedctl checks the file without the module.
//
//   [upload]
//   enabled = true
//   max_file_size = 10485760   # bytes; never above [http] max_body_bytes
//   quota = 104857600          # bytes per user, over the files not yet expired
//   expire_after = 604800      # seconds a file is served; 0: kept until deleted
//   slot_lifetime = 300        # seconds a slot may wait for its PUT
//   max_pending_slots = 10     # per user
//   public_url = ""            # "https://host[:port]"; default: the host's own name
//                              # and the first https listener's port
//   directory = "upload"       # relative to data_dir

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::modules {

struct UploadConfig {
  bool enabled = false;
  std::size_t maxFileSize = std::size_t{10} * 1024 * 1024;
  std::uint64_t quota = std::uint64_t{100} * 1024 * 1024;
  std::chrono::seconds expireAfter{std::chrono::hours{24 * 7}};
  std::chrono::seconds slotLifetime{300};
  std::size_t maxPendingSlots = 10;
  std::string publicUrl;                       // empty: derived per virtual host
  std::filesystem::path directory = "upload";  // relative: under data_dir
};

// Where the files live: `directory`, under data_dir when relative.
std::filesystem::path uploadDirectory(const UploadConfig& upload, const config::Config& config);

// Registers [upload] with the loader.
base::Result<void> registerUploadConfig(config::SectionRegistry& registry);

// The configured values, or the defaults (disabled) when the section was not
// registered (module tests).
UploadConfig uploadConfig(const config::Config& config);

}  // namespace keyfed::modules
