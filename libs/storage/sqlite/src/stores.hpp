#pragma once
// Internal: the SQLite implementations of the store interfaces. Each call
// leases one connection from the pool for its duration.

#include <initializer_list>
#include <string_view>
#include "keyfed/storage/stores.hpp"

#include "pool.hpp"

namespace keyfed::storage::sqlite {

// The id of the account (user, host), or errc::kNotFound.
Result<std::int64_t> accountId(Connection& conn, std::string_view user, std::string_view host);

// Runs the DELETE `sql` in a write transaction: ?1 is the owner's id, from
// ownerOf(conn) (accountId, or a lookup that also checks what the rows belong
// to), ?2, ?3 ... the keys. Whether a row went.
template <typename OwnerOf>
Result<bool> deleteOwnedRows(Pool& pool, OwnerOf&& ownerOf, const char* sql,
                             std::initializer_list<std::string_view> keys) {
  auto conn = pool.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = ownerOf(*conn);
  if (!id) return errorOf(id);
  auto del = conn->prepare(sql);
  if (!del) return errorOf(del);
  del->bind(1, *id);
  int index = 2;
  for (const std::string_view key : keys) del->bind(index++, key);
  if (auto r = del->run(); !r) return errorOf(r);
  const bool existed = conn->changes() != 0;
  if (auto r = tx->commit(); !r) return errorOf(r);
  return existed;
}

class StoreBase {
 public:
  StoreBase(Pool& pool, const Limits& limits) : pool_(pool), limits_(limits) {}

 protected:
  Pool& pool_;
  const Limits& limits_;
};

class SqliteAccounts final : public AccountStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<> create(std::string_view user, std::string_view host,
                  const Credentials& credentials) override;
  Result<> remove(std::string_view user, std::string_view host) override;
  Result<Credentials> credentials(std::string_view user, std::string_view host) override;
  Result<> setCredentials(std::string_view user, std::string_view host,
                          const Credentials& credentials) override;
  Result<bool> exists(std::string_view user, std::string_view host) override;
  Result<std::vector<std::string>> list(std::string_view host) override;
  Result<std::uint64_t> count(std::string_view host) override;
};

class SqliteRoster final : public RosterStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<Roster> get(std::string_view user, std::string_view host) override;
  Result<std::optional<RosterItem>> item(std::string_view user, std::string_view host,
                                         std::string_view jid) override;
  Result<std::uint64_t> upsert(std::string_view user, std::string_view host,
                               const RosterItem& item) override;
  Result<std::uint64_t> remove(std::string_view user, std::string_view host,
                               std::string_view jid) override;
  Result<std::uint64_t> version(std::string_view user, std::string_view host) override;
  Result<std::optional<RosterDelta>> changesSince(std::string_view user, std::string_view host,
                                                  std::uint64_t since) override;
};

class SqliteOffline final : public OfflineStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<> store(std::string_view user, std::string_view host, std::string_view stanza,
                 base::SystemTime stamp) override;
  Result<std::vector<OfflineMessage>> take(std::string_view user, std::string_view host) override;
  Result<std::uint64_t> count(std::string_view user, std::string_view host) override;
};

class SqliteVCards final : public VCardStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::optional<std::string>> get(std::string_view user, std::string_view host) override;
  Result<> set(std::string_view user, std::string_view host, std::string_view vcard) override;
  Result<> remove(std::string_view user, std::string_view host) override;
};

class SqliteBlocklist final : public BlocklistStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::vector<std::string>> list(std::string_view user, std::string_view host) override;
  Result<bool> isBlocked(std::string_view user, std::string_view host,
                         std::string_view jid) override;
  Result<> add(std::string_view user, std::string_view host,
               std::span<const std::string> jids) override;
  Result<> remove(std::string_view user, std::string_view host,
                  std::span<const std::string> jids) override;
  Result<> clear(std::string_view user, std::string_view host) override;
};

class SqlitePrivate final : public PrivateStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::optional<std::string>> get(std::string_view user, std::string_view host,
                                         std::string_view ns, std::string_view key) override;
  Result<> put(std::string_view user, std::string_view host, std::string_view ns,
               std::string_view key, std::string_view value) override;
  Result<bool> remove(std::string_view user, std::string_view host, std::string_view ns,
                      std::string_view key) override;
  Result<std::vector<PrivateEntry>> list(std::string_view user, std::string_view host,
                                         std::string_view ns) override;
};

class SqlitePolicyEntries final : public PolicyEntryStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::vector<std::int64_t>> add(std::span<const PolicyEntry> entries) override;
  Result<bool> remove(std::int64_t id) override;
  Result<std::vector<PolicyEntry>> list() override;
  Result<std::vector<PolicyEntry>> removeExpired(base::SystemTime now) override;
};

class SqliteAudit final : public AuditLog, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::int64_t> append(const AuditRecord& record) override;
  Result<std::vector<AuditRecord>> query(const AuditQuery& query) override;
  Result<PruneBound> pruneBound(std::optional<base::SystemTime> olderThan,
                                std::size_t keepNewest) override;
  Result<std::size_t> prune(std::int64_t upTo, std::size_t batch) override;
};

class SqliteNonces final : public NonceStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<bool> remember(std::string_view principal, std::string_view nonce,
                        base::SystemTime expires, base::SystemTime now) override;
};

class SqliteClearinghouse final : public ClearinghouseStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::vector<CommunityRow>> rows() override;
  Result<> putRow(const CommunityRow& row) override;
  Result<bool> removeRow(std::string_view domain) override;
  Result<std::vector<std::string>> subscribers() override;
  Result<> addSubscriber(std::string_view jid) override;
  Result<bool> removeSubscriber(std::string_view jid) override;
  Result<std::optional<StoredDocument>> document(std::string_view name) override;
  Result<bool> storeDocument(std::string_view name, const StoredDocument& document) override;
};

class SqliteMucRooms final : public MucRoomStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::vector<StoredRoom>> rooms(std::string_view service) override;
  Result<> putRoom(std::string_view service, const StoredRoom& room) override;
  Result<bool> removeRoom(std::string_view jid) override;
};

class SqlitePep final : public PepStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::vector<PepNode>> nodes(std::string_view user, std::string_view host) override;
  Result<std::optional<PepNode>> node(std::string_view user, std::string_view host,
                                      std::string_view node) override;
  Result<> putNode(std::string_view user, std::string_view host, const PepNode& node,
                   std::size_t maxNodes) override;
  Result<bool> removeNode(std::string_view user, std::string_view host,
                          std::string_view node) override;
  Result<> putItem(std::string_view user, std::string_view host, std::string_view node,
                   const PepItem& item, std::size_t keep) override;
  Result<> trimItems(std::string_view user, std::string_view host, std::string_view node,
                     std::size_t keep) override;
  Result<std::vector<PepItem>> items(std::string_view user, std::string_view host,
                                     std::string_view node, std::size_t max) override;
  Result<std::optional<PepItem>> item(std::string_view user, std::string_view host,
                                      std::string_view node, std::string_view id) override;
  Result<bool> removeItem(std::string_view user, std::string_view host, std::string_view node,
                          std::string_view id) override;
  Result<> subscribe(std::string_view user, std::string_view host, std::string_view node,
                     std::string_view jid, std::size_t maxPerNode,
                     std::size_t maxPerAccount) override;
  Result<bool> unsubscribe(std::string_view user, std::string_view host, std::string_view node,
                           std::string_view jid) override;
  Result<std::vector<PepSubscription>> subscriptions(std::string_view user, std::string_view host,
                                                     std::string_view node) override;
  Result<std::vector<PepSubscription>> subscriptionsOf(std::string_view user, std::string_view host,
                                                       std::string_view bare) override;
};

class SqliteArchive final : public ArchiveStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::size_t> append(std::span<const ArchiveRecord> records) override;
  Result<ArchivePage> query(const ArchiveQuery& query) override;
  Result<bool> contains(std::string_view user, std::string_view host, std::int64_t seq,
                        std::uint32_t tag) override;
  Result<std::size_t> removeOlderThan(base::SystemTime cutoff, std::size_t maxRows) override;
  Result<std::int64_t> lastSeq() override;
  Result<std::optional<ArchivePrefs>> prefs(std::string_view user, std::string_view host) override;
  Result<> setPrefs(std::string_view user, std::string_view host,
                    const ArchivePrefs& prefs) override;
};

class SqlitePush final : public PushStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::vector<PushRegistration>> list(std::string_view user, std::string_view host) override;
  Result<> put(std::string_view user, std::string_view host, const PushRegistration& registration,
               std::size_t maxPerUser) override;
  Result<std::size_t> remove(std::string_view user, std::string_view host, std::string_view service,
                             std::string_view node) override;
};

class SqliteMucArchive final : public MucArchiveStore, StoreBase {
 public:
  using StoreBase::StoreBase;
  Result<std::size_t> append(std::span<const ArchiveRecord> records) override;
  Result<ArchivePage> query(const ArchiveQuery& query) override;
  Result<bool> contains(std::string_view roomJid, std::int64_t seq, std::uint32_t tag) override;
  Result<std::size_t> removeOlderThan(base::SystemTime cutoff, std::size_t maxRows) override;
  Result<std::size_t> removeRoom(std::string_view roomJid, std::size_t maxRows) override;
  Result<std::size_t> removeOrphans(std::string_view service, std::size_t maxRows) override;
  Result<std::int64_t> lastSeq() override;
};

}  // namespace keyfed::storage::sqlite
