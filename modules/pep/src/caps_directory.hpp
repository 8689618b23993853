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
// An answer that does not verify (a client that announces a stale or
// miscomputed 'ver', or an error) speaks for the entity that gave it only:
// that entity gets the nodes it named, nothing is cached, and the next
// entity still waiting is asked in turn (section 5.4, "check the features of
// the generating entity in some other way").
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
    std::string node;     // "node#ver", for the disco#info request
    std::string to;       // the entity to ask
    std::string account;  // the account it is a contact of; empty: a local resource
  };
  // Registers `waiter` for the 'ver' `jid` announced. Returns the request to
  // send to `jid` when no query for this 'ver' is out yet (or the last one
  // timed out); nullopt when one is (or too many are).
  std::optional<Query> query(const CapsAnnouncement& caps, std::string_view jid, CapsWaiter waiter,
                             base::SteadyTime now);
  struct Answered {
    std::vector<CapsWaiter> ready;  // serve these now
    std::optional<Query> next;      // send this: the answer spoke only for its sender
  };
  // The answer to query `id` from `from`: `answer` is the <query/> of a
  // result, nullptr for an error. A verified answer is cached and set on the
  // entities still announcing the 'ver', and all their waiters are ready. An
  // unverified result is set on `from` only (its waiters are ready); the
  // other waiters move to a query to the next of them. nullopt when `id` is
  // not one of ours (or came from someone else).
  std::optional<Answered> answer(std::string_view id, std::string_view from,
                                 const xml::Element* answer, base::SteadyTime now);

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
    std::string node;   // the announcement's node, for asking again
    std::string asked;  // the JID the query went to
    base::SteadyTime sent;
    std::vector<CapsWaiter> waiters;
  };
  void cache(const std::string& ver, CapsPtr record);
  // Sets `record` on the waiters' entities still announcing `ver` and moves
  // those waiters to `ready`; only waiters for `jid` unless it is empty.
  void settle(std::vector<CapsWaiter>& waiters, const std::string& ver, std::string_view jid,
              const CapsPtr& record, std::vector<CapsWaiter>& ready);
  Query ask(Pending p);

  using Map = std::unordered_map<std::string, Entity, server::StringHash, std::equal_to<>>;
  Map entities_;
  std::unordered_map<std::string, CapsPtr, server::StringHash, std::equal_to<>> cache_;
  std::deque<std::string> cacheOrder_;  // oldest first, for eviction
  std::vector<Pending> pending_;
  std::size_t cacheSize_;
  std::uint64_t nextId_ = 0;
};

}  // namespace keyfed::modules::pep
