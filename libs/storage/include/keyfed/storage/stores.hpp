#pragma once
// Storage interfaces of the server. No database types appear here; backends
// (sqlite/, later postgres/) implement them. All methods are thread-safe and
// blocking; every change is durable when the call returns success (it survives
// a kill -9 of the process). Failures are values (errc codes in types.hpp).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/storage/archive_types.hpp"
#include "keyfed/storage/clearinghouse_types.hpp"
#include "keyfed/storage/muc_types.hpp"
#include "keyfed/storage/policy_types.hpp"
#include "keyfed/storage/push_types.hpp"
#include "keyfed/storage/types.hpp"

namespace keyfed::storage {

template <class T = void>
using Result = base::Result<T>;

class AccountStore {
 public:
  virtual ~AccountStore() = default;
  // kConflict if the account exists.
  virtual Result<> create(std::string_view user, std::string_view host,
                          const Credentials& credentials) = 0;
  // Removes the account and everything stored for it (roster, offline messages,
  // vCard, blocklist, private data). kNotFound if absent.
  virtual Result<> remove(std::string_view user, std::string_view host) = 0;
  // kNotFound if absent.
  virtual Result<Credentials> credentials(std::string_view user, std::string_view host) = 0;
  // Password change. kNotFound if absent.
  virtual Result<> setCredentials(std::string_view user, std::string_view host,
                                  const Credentials& credentials) = 0;
  virtual Result<bool> exists(std::string_view user, std::string_view host) = 0;
  // Localparts of the host's accounts, sorted.
  virtual Result<std::vector<std::string>> list(std::string_view host) = 0;
  virtual Result<std::uint64_t> count(std::string_view host) = 0;
};

// Roster of one account. kNotFound when the account does not exist. Every
// change bumps the account's roster version by one.
class RosterStore {
 public:
  virtual ~RosterStore() = default;
  virtual Result<Roster> get(std::string_view user, std::string_view host) = 0;
  virtual Result<std::optional<RosterItem>> item(std::string_view user, std::string_view host,
                                                 std::string_view jid) = 0;
  // Inserts or replaces the item keyed by item.jid; returns the new version.
  // kQuota when a new item would exceed Limits::rosterItemsPerUser.
  virtual Result<std::uint64_t> upsert(std::string_view user, std::string_view host,
                                       const RosterItem& item) = 0;
  // Returns the new version; kNotFound if the item is absent.
  virtual Result<std::uint64_t> remove(std::string_view user, std::string_view host,
                                       std::string_view jid) = 0;
  virtual Result<std::uint64_t> version(std::string_view user, std::string_view host) = 0;
  // XEP-0237 incremental update: what changed after `since`, or nullopt when
  // that version cannot be answered incrementally (unknown, in the future, or
  // older than the kept history); then send the whole roster.
  virtual Result<std::optional<RosterDelta>> changesSince(std::string_view user,
                                                          std::string_view host,
                                                          std::uint64_t since) = 0;
};

// XEP-0160 offline messages. kNotFound when the account does not exist.
class OfflineStore {
 public:
  virtual ~OfflineStore() = default;
  // kQuota when the user already has Limits::offlinePerUser messages or the
  // stanza would take the user past Limits::offlineBytesPerUser.
  virtual Result<> store(std::string_view user, std::string_view host, std::string_view stanza,
                         base::SystemTime stamp) = 0;
  // All messages in the order stored, removed in the same transaction.
  virtual Result<std::vector<OfflineMessage>> take(std::string_view user,
                                                   std::string_view host) = 0;
  virtual Result<std::uint64_t> count(std::string_view user, std::string_view host) = 0;
};

// XEP-0054 vcard-temp, stored as the serialized <vCard/> element.
class VCardStore {
 public:
  virtual ~VCardStore() = default;
  // nullopt when the user has none; kNotFound when the account does not exist.
  virtual Result<std::optional<std::string>> get(std::string_view user, std::string_view host) = 0;
  virtual Result<> set(std::string_view user, std::string_view host, std::string_view vcard) = 0;
  // Removing an absent vCard succeeds.
  virtual Result<> remove(std::string_view user, std::string_view host) = 0;
};

// XEP-0191 blocking command. kNotFound when the account does not exist.
class BlocklistStore {
 public:
  virtual ~BlocklistStore() = default;
  // Blocked JIDs, sorted.
  virtual Result<std::vector<std::string>> list(std::string_view user, std::string_view host) = 0;
  virtual Result<bool> isBlocked(std::string_view user, std::string_view host,
                                 std::string_view jid) = 0;
  // Adds all jids atomically (already blocked ones are kept); kQuota when the
  // list would exceed Limits::blocklistPerUser (then nothing is added).
  virtual Result<> add(std::string_view user, std::string_view host,
                       std::span<const std::string> jids) = 0;
  // Removes the jids that are present, atomically.
  virtual Result<> remove(std::string_view user, std::string_view host,
                          std::span<const std::string> jids) = 0;
  virtual Result<> clear(std::string_view user, std::string_view host) = 0;
};

// Private key-value data for modules: (user, host, namespace, key) -> bytes.
// kNotFound when the account does not exist.
class PrivateStore {
 public:
  virtual ~PrivateStore() = default;
  virtual Result<std::optional<std::string>> get(std::string_view user, std::string_view host,
                                                 std::string_view ns, std::string_view key) = 0;
  // kQuota when a new key would exceed Limits::privateEntriesPerUser or the
  // user's values together would exceed Limits::privateBytesPerUser.
  virtual Result<> put(std::string_view user, std::string_view host, std::string_view ns,
                       std::string_view key, std::string_view value) = 0;
  // Returns whether the key existed.
  virtual Result<bool> remove(std::string_view user, std::string_view host, std::string_view ns,
                              std::string_view key) = 0;
  // All entries of a namespace, ordered by key.
  virtual Result<std::vector<PrivateEntry>> list(std::string_view user, std::string_view host,
                                                 std::string_view ns) = 0;
};

// PEP nodes and items of an account (docs/pep.md). kNotFound when the account
// (or, for item operations, the node) does not exist; kInvalid past the
// Limits::pep* sizes. Removing the account removes its nodes and items.
class PepStore {
 public:
  virtual ~PepStore() = default;
  // Every node of the account, ordered by name.
  virtual Result<std::vector<PepNode>> nodes(std::string_view user, std::string_view host) = 0;
  // The node, or nullopt.
  virtual Result<std::optional<PepNode>> node(std::string_view user, std::string_view host,
                                              std::string_view node) = 0;
  // Creates the node or replaces its configuration. kQuota when it is new and
  // the account already has `maxNodes` nodes.
  virtual Result<> putNode(std::string_view user, std::string_view host, const PepNode& node,
                           std::size_t maxNodes) = 0;
  // Removes the node with its items; returns whether it existed.
  virtual Result<bool> removeNode(std::string_view user, std::string_view host,
                                  std::string_view node) = 0;
  // Stores the item as the node's newest (replacing an item with the same id),
  // then removes the oldest items beyond `keep` (at least 1), atomically.
  virtual Result<> putItem(std::string_view user, std::string_view host, std::string_view node,
                           const PepItem& item, std::size_t keep) = 0;
  // Removes the oldest items beyond `keep`.
  virtual Result<> trimItems(std::string_view user, std::string_view host, std::string_view node,
                             std::size_t keep) = 0;
  // At most `max` items, newest first.
  virtual Result<std::vector<PepItem>> items(std::string_view user, std::string_view host,
                                             std::string_view node, std::size_t max) = 0;
  virtual Result<std::optional<PepItem>> item(std::string_view user, std::string_view host,
                                              std::string_view node, std::string_view id) = 0;
  // Returns whether the item existed.
  virtual Result<bool> removeItem(std::string_view user, std::string_view host,
                                  std::string_view node, std::string_view id) = 0;

  // Explicit subscriptions, removed with their node. Subscribing a JID that
  // is already subscribed changes nothing; a new one is kQuota when the node
  // already has `maxPerNode` or the account's nodes together `maxPerAccount`.
  virtual Result<> subscribe(std::string_view user, std::string_view host, std::string_view node,
                             std::string_view jid, std::size_t maxPerNode,
                             std::size_t maxPerAccount) = 0;
  // Returns whether the subscription existed.
  virtual Result<bool> unsubscribe(std::string_view user, std::string_view host,
                                   std::string_view node, std::string_view jid) = 0;
  // The node's subscriptions, by JID (empty when the node does not exist).
  virtual Result<std::vector<PepSubscription>> subscriptions(std::string_view user,
                                                             std::string_view host,
                                                             std::string_view node) = 0;
  // The subscriptions of `bare` and of its full JIDs to the account's nodes,
  // by node and JID.
  virtual Result<std::vector<PepSubscription>> subscriptionsOf(std::string_view user,
                                                               std::string_view host,
                                                               std::string_view bare) = 0;
};

// The live federation policy (docs/policy.md): whitelist entries, packet and
// content filter rules, each with provenance and expiry. libs/policy keeps the
// in-memory copy the deciders read and writes through to this store.
class PolicyEntryStore {
 public:
  virtual ~PolicyEntryStore() = default;
  // Adds the entries in one transaction (a FAC grant is all or nothing) and
  // returns their ids in order; the entries' own ids are ignored. kInvalid for
  // an empty or oversized spec or origin; kQuota past Limits::policyEntries.
  virtual Result<std::vector<std::int64_t>> add(std::span<const PolicyEntry> entries) = 0;
  // Returns whether the entry existed.
  virtual Result<bool> remove(std::int64_t id) = 0;
  // Every entry, by id.
  virtual Result<std::vector<PolicyEntry>> list() = 0;
  // Removes and returns the entries whose expiry is at or before `now`, by id.
  virtual Result<std::vector<PolicyEntry>> removeExpired(base::SystemTime now) = 0;
};

// The FAC agent's append-only audit log: records are never changed, and
// removed only oldest first by prune() (the SQLite schema refuses UPDATE, and
// DELETE outside prune()). The agent bounds it by age and row count
// (docs/policy.md, "Audit log caps"): it asks pruneBound(), audits the prune
// as one record, then removes up to that bound in batches.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Returns the new record's id. kInvalid when a field is over its limit or
  // not UTF-8.
  virtual Result<std::int64_t> append(const AuditRecord& record) = 0;
  // Matching records, newest first, at most min(query.limit, Limits::auditQueryRows).
  virtual Result<std::vector<AuditRecord>> query(const AuditQuery& query) = 0;

  // What a prune would remove: every record before the first one at or after
  // `olderThan` (when set), and every record but the newest `keepNewest`
  // (when not 0). `upTo` is the id of the newest of them (0: none).
  struct PruneBound {
    std::int64_t upTo = 0;
    std::int64_t records = 0;
  };
  virtual Result<PruneBound> pruneBound(std::optional<base::SystemTime> olderThan,
                                        std::size_t keepNewest) = 0;
  // Removes at most `batch` records with id <= upTo, oldest first, in one
  // short transaction; returns how many.
  virtual Result<std::size_t> prune(std::int64_t upTo, std::size_t batch) = 0;
};

// Nonces of FAC requests seen, so that a replayed request is refused. A
// nonce is remembered until `expires` (the end of the timestamp window in
// which the request could still be accepted), then forgotten.
class NonceStore {
 public:
  virtual ~NonceStore() = default;
  // Records (principal, nonce); false when it is already recorded and not
  // expired (a replay). Expired nonces are dropped first; kQuota when
  // Limits::noncesHeld unexpired nonces are held (the agent then refuses
  // requests: failing closed).
  virtual Result<bool> remember(std::string_view principal, std::string_view nonce,
                                base::SystemTime expires, base::SystemTime now) = 0;
};

// The clearinghouse (docs/clearinghouse.md): the community table of the
// clearinghouse role, the members subscribed to it, and the signed table
// documents (the one published, or the one a member accepted).
class ClearinghouseStore {
 public:
  virtual ~ClearinghouseStore() = default;
  // Every row, by domain.
  virtual Result<std::vector<CommunityRow>> rows() = 0;
  // Inserts or replaces the row keyed by row.domain. kInvalid for an empty or
  // oversized domain or address; kQuota past Limits::communityRows.
  virtual Result<> putRow(const CommunityRow& row) = 0;
  // Returns whether the row existed.
  virtual Result<bool> removeRow(std::string_view domain) = 0;

  // Subscribers of the table's publish-subscribe node (bare JIDs), sorted.
  virtual Result<std::vector<std::string>> subscribers() = 0;
  // Adding a present subscriber succeeds. kQuota past Limits::communityRows.
  virtual Result<> addSubscriber(std::string_view jid) = 0;
  virtual Result<bool> removeSubscriber(std::string_view jid) = 0;

  // The document stored under `name`, if any.
  virtual Result<std::optional<StoredDocument>> document(std::string_view name) = 0;
  // Stores `document` under `name` only when its version is higher than the
  // stored one's (check and write in one transaction, so versions only go
  // up); returns false, storing nothing, otherwise. kInvalid past
  // Limits::documentBytes.
  virtual Result<bool> storeDocument(std::string_view name, const StoredDocument& document) = 0;
};

// Persistent multi-user chat rooms (docs/muc.md): configuration and
// affiliations, keyed by the room's JID and grouped by service domain.
class MucRoomStore {
 public:
  virtual ~MucRoomStore() = default;
  // Every room of the service `service` (the MUC domain), by JID.
  virtual Result<std::vector<StoredRoom>> rooms(std::string_view service) = 0;
  // Inserts or replaces the room (configuration and the whole affiliation
  // list, in one transaction). kInvalid for a bad JID, an oversized
  // configuration, an unknown affiliation or more than
  // Limits::mucAffiliationsPerRoom entries; kQuota past Limits::mucRooms.
  virtual Result<> putRoom(std::string_view service, const StoredRoom& room) = 0;
  // Returns whether the room existed.
  virtual Result<bool> removeRoom(std::string_view jid) = 0;
};

// What an archive writer thread (libs/archive, BatchWriter) needs of a store:
// batched appends and retention. The user archive and the room archive both are one.
class ArchiveSink {
 public:
  virtual ~ArchiveSink() = default;
  // Stores the records in one transaction; returns how many were stored.
  // Records whose owner no longer exists, and records refused by the input
  // checks (over Limits::archiveStanzaBytes, not UTF-8), are skipped (the
  // caller counts the difference); a database error stores nothing.
  virtual Result<std::size_t> append(std::span<const ArchiveRecord> records) = 0;
  // Removes up to `maxRows` items older than `cutoff` (their seq below
  // archiveSeqAt(cutoff)), oldest first, in one short transaction; returns how many.
  virtual Result<std::size_t> removeOlderThan(base::SystemTime cutoff, std::size_t maxRows) = 0;
};

// XEP-0313 message archive (docs/mam.md). Writes come in batches from the
// archive module's writer thread; queries come from the loop thread.
class ArchiveStore : public ArchiveSink {
 public:
  // One page (at most min(query.max, Limits::archivePageRows) items). kNotFound
  // when the account does not exist.
  virtual Result<ArchivePage> query(const ArchiveQuery& query) = 0;
  // Whether the account's archive holds the item (seq, tag).
  virtual Result<bool> contains(std::string_view user, std::string_view host, std::int64_t seq,
                                std::uint32_t tag) = 0;
  // The highest sequence number stored (0 when empty).
  virtual Result<std::int64_t> lastSeq() = 0;
  // nullopt when the user never set preferences. kNotFound when the account
  // does not exist.
  virtual Result<std::optional<ArchivePrefs>> prefs(std::string_view user,
                                                    std::string_view host) = 0;
  // kInvalid when a list is longer than Limits::archivePrefsJids or holds an invalid JID.
  virtual Result<> setPrefs(std::string_view user, std::string_view host,
                            const ArchivePrefs& prefs) = 0;
};

// XEP-0357 push registrations of an account (docs/push.md), keyed by
// (service, node). kNotFound when the account does not exist; removing the
// account removes its registrations.
class PushStore {
 public:
  virtual ~PushStore() = default;
  // Every registration of the account, ordered by service, then node.
  virtual Result<std::vector<PushRegistration>> list(std::string_view user,
                                                     std::string_view host) = 0;
  // Inserts the registration or replaces the publish options of the one with
  // the same (service, node). kQuota when it is new and the account already
  // has `maxPerUser`; kInvalid past Limits::jidBytes, pushNodeBytes,
  // pushOptionsBytes, or for an empty service or node.
  virtual Result<> put(std::string_view user, std::string_view host,
                       const PushRegistration& registration, std::size_t maxPerUser) = 0;
  // Removes the registration (service, node), or every registration of
  // `service` when `node` is empty; returns how many were removed.
  virtual Result<std::size_t> remove(std::string_view user, std::string_view host,
                                     std::string_view service, std::string_view node) = 0;
};

// XEP-0313 archives of multi-user chat rooms (docs/muc.md, "Room archive").
// A record's user@host is the room's JID (room@service), withBare the real
// bare JID of the occupant who sent it and withResource its nickname. Rooms
// need no row elsewhere: the module deletes a room's archive with the room.
class MucArchiveStore : public ArchiveSink {
 public:
  // One page of room user@host. query.withBare filters on the sender's real
  // bare JID, query.withResource on its nickname (each alone or both).
  virtual Result<ArchivePage> query(const ArchiveQuery& query) = 0;
  // Whether the room's archive holds the item (seq, tag).
  virtual Result<bool> contains(std::string_view roomJid, std::int64_t seq, std::uint32_t tag) = 0;
  // Removes up to `maxRows` of the room's oldest items; returns how many (0: the archive is empty).
  virtual Result<std::size_t> removeRoom(std::string_view roomJid, std::size_t maxRows) = 0;
  // Removes up to `maxRows` items of rooms of `service` that are not persistent
  // rooms (not in MucRoomStore): what temporary rooms left behind when the
  // server stopped. Returns how many.
  virtual Result<std::size_t> removeOrphans(std::string_view service, std::size_t maxRows) = 0;
  // The highest sequence number stored (0 when empty).
  virtual Result<std::int64_t> lastSeq() = 0;
};

// The set of stores one backend provides. The references stay valid for the
// lifetime of the Storage object.
class Storage {
 public:
  virtual ~Storage() = default;
  virtual AccountStore& accounts() = 0;
  virtual RosterStore& roster() = 0;
  virtual OfflineStore& offline() = 0;
  virtual VCardStore& vcards() = 0;
  virtual BlocklistStore& blocklist() = 0;
  virtual PrivateStore& privateData() = 0;
  virtual PolicyEntryStore& policyEntries() = 0;
  virtual AuditLog& audit() = 0;
  virtual NonceStore& nonces() = 0;
  virtual ClearinghouseStore& clearinghouse() = 0;
  virtual MucRoomStore& mucRooms() = 0;
  virtual PepStore& pep() = 0;
  virtual ArchiveStore& archive() = 0;
  virtual PushStore& push() = 0;
  virtual MucArchiveStore& mucArchive() = 0;
  // The limits this backend enforces.
  virtual const Limits& limits() const = 0;
};

}  // namespace keyfed::storage
