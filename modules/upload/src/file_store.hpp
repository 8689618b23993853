#pragma once
// Uploaded files on disk (docs/upload.md, "Storage"): <dir>/<token> holds the
// bytes, <dir>/<token>.meta who uploaded what and when. Both are written to
// temporary names, synced and renamed, so a file is either served whole or
// not at all; what a crash leaves half-written is removed on the next open.
// An index in memory answers lookups and per-user usage without touching the
// disk.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "keyfed/base/clock.hpp"
#include "keyfed/base/result.hpp"

namespace keyfed::modules::upload {

struct StoredFile {
  std::string owner;  // bare JID
  std::string filename;
  std::string contentType;  // "" when none was given
  std::uint64_t size = 0;
  base::SystemTime created;
};

class FileStore {
 public:
  // Creates the directory (0700) when missing and reads what it holds.
  static base::Result<std::unique_ptr<FileStore>> open(const std::filesystem::path& dir);

  base::Result<void> put(std::string_view token, const StoredFile& file, std::string_view bytes);
  [[nodiscard]] const StoredFile* find(std::string_view token) const;
  [[nodiscard]] base::Result<std::string> read(std::string_view token) const;
  // Deletes the files created before `cutoff`; returns how many.
  std::size_t removeCreatedBefore(base::SystemTime cutoff);

  [[nodiscard]] std::uint64_t usage(std::string_view owner) const;
  [[nodiscard]] std::size_t count() const { return files_.size(); }

 private:
  explicit FileStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  void load();
  void forget(const std::string& token);

  std::filesystem::path dir_;
  std::unordered_map<std::string, StoredFile> files_;
  std::unordered_map<std::string, std::uint64_t> usage_;
};

// The .meta file's text and its parse (nullopt when it is not one).
std::string formatMeta(const StoredFile& file);
std::optional<StoredFile> parseMeta(std::string_view text);

}  // namespace keyfed::modules::upload
