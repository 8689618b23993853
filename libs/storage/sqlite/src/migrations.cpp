#include "migrations.hpp"

#include <string>

namespace keyfed::storage::sqlite {
namespace {

// Version 1: accounts with SCRAM credentials, roster with versioning, offline
// messages, vCards, blocklist, private data. Everything a user owns hangs off
// accounts(id) with ON DELETE CASCADE, so removing the account removes it all.
const char* const kSchemaV1 = R"sql(
CREATE TABLE accounts (
  id             INTEGER PRIMARY KEY,
  host           TEXT NOT NULL,
  user           TEXT NOT NULL,
  created        INTEGER NOT NULL,
  roster_version INTEGER NOT NULL DEFAULT 0,
  roster_horizon INTEGER NOT NULL DEFAULT 0,
  UNIQUE (host, user)
);
CREATE TABLE scram_credentials (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  hash       TEXT NOT NULL CHECK (hash IN ('SHA-1', 'SHA-256')),
  salt       BLOB NOT NULL,
  iterations INTEGER NOT NULL CHECK (iterations > 0),
  stored_key BLOB NOT NULL,
  server_key BLOB NOT NULL,
  PRIMARY KEY (account_id, hash)
) WITHOUT ROWID;
CREATE TABLE roster_items (
  account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  jid               TEXT NOT NULL,
  name              TEXT NOT NULL DEFAULT '',
  subscription      INTEGER NOT NULL CHECK (subscription BETWEEN 0 AND 3),
  ask_out           INTEGER NOT NULL DEFAULT 0,
  pending_in        INTEGER NOT NULL DEFAULT 0,
  pending_in_stanza TEXT NOT NULL DEFAULT '',
  approved          INTEGER NOT NULL DEFAULT 0,
  listed            INTEGER NOT NULL DEFAULT 1,
  version           INTEGER NOT NULL,
  PRIMARY KEY (account_id, jid)
) WITHOUT ROWID;
CREATE INDEX roster_items_by_version ON roster_items (account_id, version);
CREATE TABLE roster_groups (
  account_id INTEGER NOT NULL,
  jid        TEXT NOT NULL,
  name       TEXT NOT NULL,
  PRIMARY KEY (account_id, jid, name),
  FOREIGN KEY (account_id, jid) REFERENCES roster_items (account_id, jid) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE roster_removed (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  jid        TEXT NOT NULL,
  version    INTEGER NOT NULL,
  PRIMARY KEY (account_id, jid)
) WITHOUT ROWID;
CREATE INDEX roster_removed_by_version ON roster_removed (account_id, version);
CREATE TABLE offline_messages (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  stamp      INTEGER NOT NULL,
  bytes      INTEGER NOT NULL,
  stanza     TEXT NOT NULL
);
CREATE INDEX offline_messages_by_account ON offline_messages (account_id, id);
CREATE TABLE vcards (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  vcard      TEXT NOT NULL
);
CREATE TABLE blocklist (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  jid        TEXT NOT NULL,
  PRIMARY KEY (account_id, jid)
) WITHOUT ROWID;
CREATE TABLE private_data (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  namespace  TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      BLOB NOT NULL,
  PRIMARY KEY (account_id, namespace, key)
) WITHOUT ROWID;
)sql";

// Version 2: the live federation policy (whitelist entries, packet and content
// filter rules with provenance and expiry), the FAC agent's append-only audit
// log (triggers refuse UPDATE and DELETE) and the nonces of recent requests.
const char* const kSchemaV2 = R"sql(
CREATE TABLE policy_entries (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  kind       TEXT NOT NULL
             CHECK (kind IN ('whitelist', 'packet_filter', 'content_filter', 'authentication')),
  spec       TEXT NOT NULL,
  origin     TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  requester  TEXT NOT NULL DEFAULT '',
  created    INTEGER NOT NULL,
  expires    INTEGER
);
CREATE INDEX policy_entries_by_expiry ON policy_entries (expires) WHERE expires IS NOT NULL;
CREATE TABLE fac_audit (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  event      TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  principal  TEXT NOT NULL DEFAULT '',
  peer       TEXT NOT NULL DEFAULT '',
  outcome    TEXT NOT NULL DEFAULT '',
  entry_id   INTEGER NOT NULL DEFAULT 0,
  detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX fac_audit_by_request ON fac_audit (request_id);
CREATE INDEX fac_audit_by_at ON fac_audit (at);
CREATE TRIGGER fac_audit_no_update BEFORE UPDATE ON fac_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER fac_audit_no_delete BEFORE DELETE ON fac_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE fac_nonces (
  principal TEXT NOT NULL,
  nonce     TEXT NOT NULL,
  expires   INTEGER NOT NULL,
  PRIMARY KEY (principal, nonce)
) WITHOUT ROWID;
CREATE INDEX fac_nonces_by_expiry ON fac_nonces (expires);
)sql";

// Version 3: the clearinghouse (docs/clearinghouse.md): the community table
// (addresses as one space-separated text), the subscribers of its
// publish-subscribe node, and signed table documents by name.
const char* const kSchemaV3 = R"sql(
CREATE TABLE community_rows (
  domain    TEXT PRIMARY KEY,
  level     INTEGER NOT NULL,
  addresses TEXT NOT NULL DEFAULT '',
  expires   INTEGER,
  updated   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE community_subscribers (
  jid TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE table_documents (
  name     TEXT PRIMARY KEY,
  version  INTEGER NOT NULL,
  document TEXT NOT NULL,
  stored   INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 4: the audit log may be pruned, oldest first, by AuditLog::prune
// only: it holds the one-row permit table for the length of its transaction,
// and a DELETE without the permit is still refused.
const char* const kSchemaV4 = R"sql(
CREATE TABLE fac_audit_prune_permit (id INTEGER PRIMARY KEY CHECK (id = 1));
DROP TRIGGER fac_audit_no_delete;
CREATE TRIGGER fac_audit_no_delete BEFORE DELETE ON fac_audit
WHEN NOT EXISTS (SELECT 1 FROM fac_audit_prune_permit)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// Version 5: the clearinghouse's redirection mode keeps each row's real
// host:port ('' when none).
const char* const kSchemaV5 = R"sql(
ALTER TABLE community_rows ADD COLUMN redirect_to TEXT NOT NULL DEFAULT '';
)sql";

// Version 6: persistent multi-user chat rooms (docs/muc.md): each room's
// configuration and its affiliation list; occupants and history stay in memory.
const char* const kSchemaV6 = R"sql(
CREATE TABLE muc_rooms (
  jid     TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  config  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX muc_rooms_by_service ON muc_rooms (service);
CREATE TABLE muc_affiliations (
  room        TEXT NOT NULL REFERENCES muc_rooms (jid) ON DELETE CASCADE,
  jid         TEXT NOT NULL,
  affiliation TEXT NOT NULL,
  PRIMARY KEY (room, jid)
) WITHOUT ROWID;
)sql";

// Version 7: PEP (docs/pep.md): nodes with their configuration as text, and
// items ordered by `seq` (a publish of an existing id makes it the newest).
const char* const kSchemaV7 = R"sql(
CREATE TABLE pep_nodes (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  node       TEXT NOT NULL,
  config     TEXT NOT NULL,
  PRIMARY KEY (account_id, node)
) WITHOUT ROWID;
CREATE TABLE pep_items (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL,
  node       TEXT NOT NULL,
  item_id    TEXT NOT NULL,
  publisher  TEXT NOT NULL,
  payload    TEXT NOT NULL,
  UNIQUE (account_id, node, item_id),
  FOREIGN KEY (account_id, node) REFERENCES pep_nodes (account_id, node) ON DELETE CASCADE
);
CREATE INDEX pep_items_by_node ON pep_items (account_id, node, seq);
)sql";

// Version 8: the message archive (docs/mam.md). seq is the rowid: it grows
// with time, so retention deletes a rowid range and every account's pages are
// ranges of one index. Preference lists are newline-separated bare JIDs.
const char* const kSchemaV8 = R"sql(
CREATE TABLE archive_messages (
  seq           INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  tag           INTEGER NOT NULL,
  with_bare     TEXT NOT NULL,
  with_resource TEXT NOT NULL DEFAULT '',
  stamp         INTEGER NOT NULL,
  stanza        TEXT NOT NULL
);
CREATE INDEX archive_by_owner ON archive_messages (account_id, seq);
CREATE INDEX archive_by_with ON archive_messages (account_id, with_bare, seq);
CREATE TABLE archive_prefs (
  account_id   INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  default_mode INTEGER NOT NULL CHECK (default_mode BETWEEN 0 AND 2),
  always_jids  TEXT NOT NULL DEFAULT '',
  never_jids   TEXT NOT NULL DEFAULT ''
);
)sql";

// Version 9: XEP-0357 push registrations (docs/push.md), one row per
// (account, app server, node).
const char* const kSchemaV9 = R"sql(
CREATE TABLE push_registrations (
  account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  service         TEXT NOT NULL,
  node            TEXT NOT NULL,
  publish_options TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (account_id, service, node)
) WITHOUT ROWID;
)sql";

// Version 10: archives of multi-user chat rooms (docs/muc.md, "Room archive").
// Rooms are named by JID (temporary rooms have no row in muc_rooms); sender is
// the real bare JID of the occupant who wrote, nick its nickname then.
const char* const kSchemaV10 = R"sql(
CREATE TABLE muc_archive (
  seq    INTEGER PRIMARY KEY,
  room   TEXT NOT NULL,
  tag    INTEGER NOT NULL,
  sender TEXT NOT NULL,
  nick   TEXT NOT NULL,
  stamp  INTEGER NOT NULL,
  stanza TEXT NOT NULL
);
CREATE INDEX muc_archive_by_room ON muc_archive (room, seq);
CREATE INDEX muc_archive_by_nick ON muc_archive (room, nick, seq);
CREATE INDEX muc_archive_by_sender ON muc_archive (room, sender, seq);
)sql";

// Version 11: explicit subscriptions to PEP nodes (docs/pep.md), removed with
// their node. `bare` is the subscriber's bare JID, for "my subscriptions" and
// for dropping a subscriber that lost access.
const char* const kSchemaV11 = R"sql(
CREATE TABLE pep_subscriptions (
  account_id INTEGER NOT NULL,
  node       TEXT NOT NULL,
  jid        TEXT NOT NULL,
  bare       TEXT NOT NULL,
  PRIMARY KEY (account_id, node, jid),
  FOREIGN KEY (account_id, node) REFERENCES pep_nodes (account_id, node) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX pep_subscriptions_by_bare ON pep_subscriptions (account_id, bare);
)sql";

const Migration kMigrations[] = {
    {1, kSchemaV1}, {2, kSchemaV2},   {3, kSchemaV3},   {4, kSchemaV4},
    {5, kSchemaV5}, {6, kSchemaV6},   {7, kSchemaV7},   {8, kSchemaV8},
    {9, kSchemaV9}, {10, kSchemaV10}, {11, kSchemaV11},
};

Result<std::int64_t> scalar(Connection& conn, const char* sql) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return base::fail(std::move(stmt).error());
  auto row = stmt->step();
  if (!row) return base::fail(std::move(row).error());
  return *row ? stmt->int64(0) : 0;
}

}  // namespace

std::span<const Migration> schemaMigrations() {
  return kMigrations;
}

Result<int> migrate(Connection& conn, std::span<const Migration> migrations) {
  auto tx = Transaction::begin(conn);
  if (!tx) return base::fail(std::move(tx).error());

  auto appId = scalar(conn, "PRAGMA application_id");
  if (!appId) return base::fail(std::move(appId).error());
  auto tables = scalar(conn,
                       "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version'");
  if (!tables) return base::fail(std::move(tables).error());
  // A foreign file: someone else's application id, or tables without ours.
  if (*appId != kApplicationId && (*appId != 0 || *tables != 0)) {
    return base::fail(errc::kSchema, "the database file belongs to another application");
  }

  if (auto r = conn.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      !r) {
    return base::fail(std::move(r).error());
  }
  auto current = scalar(conn, "SELECT coalesce(max(version), 0) FROM schema_version");
  if (!current) return base::fail(std::move(current).error());
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (*current > latest) {
    return base::fail(errc::kSchema, "the database schema is version " + std::to_string(*current) +
                                         ", newer than this keyfed knows (" +
                                         std::to_string(latest) + "); upgrade keyfed");
  }

  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    if (auto r = conn.exec(m.sql); !r) {
      return base::fail(errc::kSchema, "migration to schema version " + std::to_string(m.version) +
                                           " failed: " + r.error().message);
    }
  }
  if (latest > *current) {
    if (auto r = conn.exec("DELETE FROM schema_version"); !r)
      return base::fail(std::move(r).error());
    auto ins = conn.prepare("INSERT INTO schema_version (version) VALUES (?1)");
    if (!ins) return base::fail(std::move(ins).error());
    if (auto r = ins->bind(1, std::int64_t{latest}).run(); !r) {
      return base::fail(std::move(r).error());
    }
  }
  // application_id is a header field, written with the transaction.
  if (auto r = conn.exec("PRAGMA application_id = 1801864258"); !r) {
    return base::fail(std::move(r).error());
  }
  if (auto r = tx->commit(); !r) return base::fail(std::move(r).error());
  return latest;
}

}  // namespace keyfed::storage::sqlite
