#pragma once
// Blocklists of local accounts, read from storage once and then kept in memory:
// every stanza to or from a local account consults its list, and that must
// not cost a database read. The module updates an entry whenever it changes
// the stored list, so the cache is authoritative for lists changed here.
//
// Bounded: past `capacity` entries, the lists of accounts without a bound
// resource are dropped (they are re-read on their next stanza).

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "blocklist.hpp"
#include "keyfed/base/log.hpp"

namespace keyfed::server {
class Server;
}

namespace keyfed::modules::blocking {

class BlocklistCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 10000;

  explicit BlocklistCache(server::Server& server, std::size_t capacity = kDefaultCapacity);

  // The list of user@host, loaded on first use. An account that does not exist
  // has an empty list. nullptr when storage failed (nothing is cached then, so
  // the next call retries). Valid until the next call of any method.
  const Blocklist* find(std::string_view user, std::string_view host);
  // Replaces the cached list of user@host after a change to the stored one.
  void put(std::string_view user, std::string_view host, Blocklist list);
  // Forgets user@host (the account was removed).
  void forget(std::string_view bare);

  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void makeRoom();

  server::Server& server_;
  std::size_t capacity_;
  std::unordered_map<std::string, Blocklist, Hash, std::equal_to<>> entries_;
  std::string key_;  // reused for lookups: "user@host"
  base::Logger log_{"blocking"};
};

}  // namespace keyfed::modules::blocking
