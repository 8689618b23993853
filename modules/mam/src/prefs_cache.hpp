#pragma once
// Each account's archiving preferences, read from storage on first use and
// kept so that archiving a message does not read storage (docs/mam.md,
// "Preferences"). Bounded: past kMaxEntries the cache starts over.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "keyfed/server/event_bus.hpp"
#include "keyfed/storage/stores.hpp"

namespace keyfed::modules::mam {

class PrefsCache {
 public:
  static constexpr std::size_t kMaxEntries = 10000;

  explicit PrefsCache(storage::ArchiveStore& store) : store_(store) {}

  // The user's preferences (nullopt inside when the user never set any),
  // valid until the next call. A storage error is not cached.
  base::Result<const std::optional<storage::ArchivePrefs>*> get(std::string_view user,
                                                                std::string_view host,
                                                                std::string_view bare);
  // Stores and caches.
  base::Result<void> set(std::string_view user, std::string_view host, std::string_view bare,
                         const storage::ArchivePrefs& prefs);
  void forget(std::string_view bare);

 private:
  storage::ArchiveStore& store_;
  std::unordered_map<std::string, std::optional<storage::ArchivePrefs>, server::StringHash,
                     std::equal_to<>>
      entries_;
};

}  // namespace keyfed::modules::mam
