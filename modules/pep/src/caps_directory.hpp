#pragma once
// Entity capabilities (XEP-0115) as PEP needs them: which nodes each online
// entity wants notifications for ('<node>+notify' features).
//
// Every full JID that sent presence with <c/> has an entry holding the 'ver'
// it announced and, once known, the record for that 'ver'. Records are
// shared by every entity announcing the same 'ver' and kept in a bounded
// cache, filled only with answers whose hash was verified (section 5.1). An
// unknown 'ver' is queried once (disco#info to the first entity that
// announced it); entities that announce it meanwhile wait for that answer.
// A presence repeating the known 'ver' allocates nothing.

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/server/event_bus.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::pep {

struct CapsRecord {
  std::vector<std::string> notify;  // node names, sorted
  [[nodiscard]] bool wants(std::string_view node) const;
};
using CapsPtr = std::shared_ptr<const CapsRecord>;

// The +notify nodes of a disco#info <query/>.
CapsRecord capsRecordOf(const xml::Element& query);

// The <c/> of a presence: views into the stanza.
struct CapsAnnouncement {
  std::string_view hash;
  std::string_view node;
  std::string_view ver;
};
// nullopt without <c/>, or for legacy caps without 'hash' (not verifiable).
std::optional<CapsAnnouncement> readCaps(const xml::Element& presence);

// Someone to serve when a query's answer arrives: the entity, and the
// account whose last items it should get (empty: none).
struct CapsWaiter {
  std::string jid;
  std::string account;
};

class CapsDirectory {
 public:
  static constexpr std::size_t kMaxEntities = 200000;
  static constexpr std::size_t kMaxPendingQueries = 256;
  static constexpr std::size_t kMaxWaitersPerQuery = 256;
  static constexpr std::chrono::seconds kQueryTimeout{60};

  explicit CapsDirectory(std::size_t cacheSize) : cacheSize_(cacheSize) {}

  enum class Change {
    unchanged,  // the entity announced this 'ver' before
    known,      // a new entity or a new 'ver', already in the cache
    unknown,    // a 'ver' not in the cache: call query()
    refused,    // the directory is full; the entity is not recorded
  };
  Change announce(std::string_view jid, const CapsAnnouncement& caps);
  void forget(std::string_view jid);
  [[nodiscard]] bool wants(std::string_view jid, std::string_view node) const;
  [[nodiscard]] bool known(std::string_view jid) const;

  struct Query {
    std::string id;
    std::string node;  // "node#ver", for the disco#info request
  };
  // Registers `waiter` for the 'ver' `jid` announced. Returns the request to
  // send to `jid` when no query for this 'ver' is out yet (or the last one
  // timed out); nullopt when one is (or too many are).
  std::optional<Query> query(const CapsAnnouncement& caps, std::string_view jid, CapsWaiter waiter,
                             base::SteadyTime now);
  // The answer to query `id` from `from`: `answer` is the <query/> of a
  // result, nullptr for an error. A verified answer is cached and set on the
  // entities still announcing the 'ver'; returns the waiters to serve then.
  // nullopt when `id` is not one of ours (or came from someone else).
  std::optional<std::vector<CapsWaiter>> answer(std::string_view id, std::string_view from,
                                                const xml::Element* answer);

  [[nodiscard]] std::size_t entities() const { return entities_.size(); }
  [[nodiscard]] std::size_t cached() const { return cache_.size(); }

 private:
  struct Entity {
    std::string ver;
    CapsPtr caps;  // null until the 'ver' is known
  };
  struct Pending {
    std::string id;
    std::string ver;
    std::string hash;
    std::string asked;  // the JID the query went to
    base::SteadyTime sent;
    std::vector<CapsWaiter> waiters;
  };
  void cache(const std::string& ver, CapsPtr record);

  using Map = std::unordered_map<std::string, Entity, server::StringHash, std::equal_to<>>;
  Map entities_;
  std::unordered_map<std::string, CapsPtr, server::StringHash, std::equal_to<>> cache_;
  std::deque<std::string> cacheOrder_;  // oldest first, for eviction
  std::vector<Pending> pending_;
  std::size_t cacheSize_;
  std::uint64_t nextId_ = 0;
};

}  // namespace keyfed::modules::pep
