#include "prefs_cache.hpp"

namespace keyfed::modules::mam {

base::Result<const std::optional<storage::ArchivePrefs>*> PrefsCache::get(std::string_view user,
                                                                          std::string_view host,
                                                                          std::string_view bare) {
  if (auto it = entries_.find(bare); it != entries_.end()) return &it->second;
  auto stored = store_.prefs(user, host);
  if (!stored) return base::fail(std::move(stored).error());
  if (entries_.size() >= kMaxEntries) entries_.clear();
  return &entries_.emplace(std::string(bare), std::move(*stored)).first->second;
}

base::Result<void> PrefsCache::set(std::string_view user, std::string_view host,
                                   std::string_view bare, const storage::ArchivePrefs& prefs) {
  if (auto r = store_.setPrefs(user, host, prefs); !r) return r;
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.insert_or_assign(std::string(bare), prefs);
  return {};
}

void PrefsCache::forget(std::string_view bare) {
  if (auto it = entries_.find(bare); it != entries_.end()) entries_.erase(it);
}

}  // namespace keyfed::modules::mam
