#include "keyfed/storage/sqlite/sqlite_storage.hpp"

#include "migrations.hpp"
#include "pool.hpp"
#include "stores.hpp"

namespace keyfed::storage {
namespace {

using namespace sqlite;

class SqliteStorage final : public Storage {
 public:
  SqliteStorage(std::unique_ptr<Pool> pool, const Limits& limits)
      : limits_(limits),
        pool_(std::move(pool)),
        accounts_(*pool_, limits_),
        roster_(*pool_, limits_),
        offline_(*pool_, limits_),
        vcards_(*pool_, limits_),
        blocklist_(*pool_, limits_),
        private_(*pool_, limits_),
        policyEntries_(*pool_, limits_),
        audit_(*pool_, limits_),
        nonces_(*pool_, limits_),
        clearinghouse_(*pool_, limits_),
        mucRooms_(*pool_, limits_),
        pep_(*pool_, limits_),
        archive_(*pool_, limits_),
        push_(*pool_, limits_),
        mucArchive_(*pool_, limits_) {}

  AccountStore& accounts() override { return accounts_; }
  RosterStore& roster() override { return roster_; }
  OfflineStore& offline() override { return offline_; }
  VCardStore& vcards() override { return vcards_; }
  BlocklistStore& blocklist() override { return blocklist_; }
  PrivateStore& privateData() override { return private_; }
  PolicyEntryStore& policyEntries() override { return policyEntries_; }
  AuditLog& audit() override { return audit_; }
  NonceStore& nonces() override { return nonces_; }
  ClearinghouseStore& clearinghouse() override { return clearinghouse_; }
  MucRoomStore& mucRooms() override { return mucRooms_; }
  PepStore& pep() override { return pep_; }
  ArchiveStore& archive() override { return archive_; }
  PushStore& push() override { return push_; }
  MucArchiveStore& mucArchive() override { return mucArchive_; }
  const Limits& limits() const override { return limits_; }

 private:
  Limits limits_;
  std::unique_ptr<Pool> pool_;
  SqliteAccounts accounts_;
  SqliteRoster roster_;
  SqliteOffline offline_;
  SqliteVCards vcards_;
  SqliteBlocklist blocklist_;
  SqlitePrivate private_;
  SqlitePolicyEntries policyEntries_;
  SqliteAudit audit_;
  SqliteNonces nonces_;
  SqliteClearinghouse clearinghouse_;
  SqliteMucRooms mucRooms_;
  SqlitePep pep_;
  SqliteArchive archive_;
  SqlitePush push_;
  SqliteMucArchive mucArchive_;
};

}  // namespace

base::Result<std::unique_ptr<Storage>> openSqlite(const SqliteOptions& options) {
  if (options.path.empty()) return base::fail(errc::kInvalid, "no database path");
  auto pool = Pool::open(options);
  if (!pool) return sqlite::errorOf(pool);
  return std::unique_ptr<Storage>(
      std::make_unique<SqliteStorage>(std::move(*pool), options.limits));
}

int sqliteSchemaVersion() {
  auto migrations = schemaMigrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

}  // namespace keyfed::storage
