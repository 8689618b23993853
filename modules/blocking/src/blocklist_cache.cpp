#include "blocklist_cache.hpp"

#include <iterator>

#include "keyfed/server/server.hpp"

namespace keyfed::modules::blocking {

BlocklistCache::BlocklistCache(server::Server& server, std::size_t capacity)
    : server_(server), capacity_(capacity) {}

const Blocklist* BlocklistCache::find(std::string_view user, std::string_view host) {
  key_.assign(user).append("@").append(host);
  if (auto it = entries_.find(std::string_view(key_)); it != entries_.end()) return &it->second;

  auto stored = server_.storage().blocklist().list(user, host);
  Blocklist list;
  if (stored) {
    list = Blocklist(*stored);
  } else if (stored.error().code != storage::errc::kNotFound) {
    log_.warn("reading the blocklist of {}: {}", key_, stored.error().describe());
    return nullptr;
  }
  makeRoom();
  return &entries_.insert_or_assign(key_, std::move(list)).first->second;
}

void BlocklistCache::put(std::string_view user, std::string_view host, Blocklist list) {
  std::string key;
  key.assign(user).append("@").append(host);
  if (!entries_.contains(std::string_view(key))) makeRoom();
  entries_.insert_or_assign(std::move(key), std::move(list));
}

void BlocklistCache::forget(std::string_view bare) {
  if (auto it = entries_.find(bare); it != entries_.end()) entries_.erase(it);
}

void BlocklistCache::makeRoom() {
  if (entries_.size() < capacity_) return;
  // Online accounts keep their lists; the others are cheap to read again.
  const auto& sessions = server_.sessions();
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = sessions.resources(it->first).empty() ? entries_.erase(it) : std::next(it);
  }
}

}  // namespace keyfed::modules::blocking
