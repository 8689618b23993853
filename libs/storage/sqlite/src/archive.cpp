// The message archive (docs/mam.md). Every page is a range scan of one index
// (archive_pages.cpp): archive_by_owner (account_id, seq) or, with a 'with'
// filter, archive_by_with (account_id, with_bare, seq).
#include <algorithm>
#include <unordered_map>

#include "archive_pages.hpp"
#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {
namespace {

// The account's rows under the query's filter: ?1 account, ?4 with_bare, ?5 resource.
ArchiveScope accountScope(std::int64_t account, const ArchiveQuery& q) {
  ArchiveScope scope;
  scope.withColumn = "with_bare";
  scope.table = "archive_messages";
  if (q.withBare.empty()) {
    scope.where = " WHERE account_id = ?1 AND seq BETWEEN ?2 AND ?3";
  } else if (q.withResource.empty()) {
    scope.where = " WHERE account_id = ?1 AND with_bare = ?4 AND seq BETWEEN ?2 AND ?3";
  } else {
    scope.where =
        " WHERE account_id = ?1 AND with_bare = ?4 AND with_resource = ?5 AND seq BETWEEN ?2 AND "
        "?3";
  }
  scope.bindFilter = [account, &q](Stmt& stmt) {
    stmt.bind(1, account);
    if (!q.withBare.empty()) stmt.bind(4, q.withBare);
    if (!q.withResource.empty()) stmt.bind(5, q.withResource);
  };
  return scope;
}

std::string joinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<std::size_t> SqliteArchive::append(std::span<const ArchiveRecord> records) {
  if (records.empty()) return std::size_t{0};
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  // A batch holds few distinct owners; each is looked up once.
  std::unordered_map<std::string, std::int64_t> accounts;
  std::size_t stored = 0;
  for (const ArchiveRecord& r : records) {
    if (!checkArchiveRecord(r, limits_)) continue;
    std::string owner = r.user + '@' + r.host;
    auto found = accounts.find(owner);
    if (found == accounts.end()) {
      auto id = accountId(*conn, r.user, r.host);
      if (!id && id.error().code != errc::kNotFound) return errorOf(id);
      found = accounts.emplace(std::move(owner), id ? *id : 0).first;
    }
    if (found->second == 0) continue;  // the account was removed meanwhile
    const std::int64_t account = found->second;
    if (auto done = insertArchiveRow(
            *conn,
            "INSERT INTO archive_messages (seq, account_id, tag, with_bare, with_resource, stamp, "
            "stanza) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            r, [account](Stmt& s) { s.bind(2, account); });
        !done) {
      return errorOf(done);
    }
    ++stored;
  }
  if (auto r = tx->commit(); !r) return errorOf(r);
  return stored;
}

Result<ArchivePage> SqliteArchive::query(const ArchiveQuery& q) {
  if (auto r = checkAccountKey(q.user, q.host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto account = accountId(*conn, q.user, q.host);
  if (!account) return errorOf(account);

  return queryArchivePage(*conn, accountScope(*account, q), q, limits_.archivePageRows);
}

Result<bool> SqliteArchive::contains(std::string_view user, std::string_view host, std::int64_t seq,
                                     std::uint32_t tag) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto account = accountId(*conn, user, host);
  if (!account) return errorOf(account);
  auto sel = conn->prepare(
      "SELECT 1 FROM archive_messages WHERE seq = ?1 AND account_id = ?2 AND tag = ?3");
  if (!sel) return errorOf(sel);
  auto row = sel->bind(1, seq).bind(2, *account).bind(3, static_cast<std::int64_t>(tag)).step();
  if (!row) return errorOf(row);
  return *row;
}

Result<std::size_t> SqliteArchive::removeOlderThan(base::SystemTime cutoff, std::size_t maxRows) {
  auto conn = pool_.acquire();
  return expireArchiveRows(*conn, "archive_messages", cutoff, maxRows);
}

Result<std::int64_t> SqliteArchive::lastSeq() {
  auto conn = pool_.acquire();
  return lastArchiveSeq(*conn, "archive_messages");
}

Result<std::optional<ArchivePrefs>> SqliteArchive::prefs(std::string_view user,
                                                         std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto account = accountId(*conn, user, host);
  if (!account) return errorOf(account);
  auto sel = conn->prepare(
      "SELECT default_mode, always_jids, never_jids FROM archive_prefs WHERE account_id = ?1");
  if (!sel) return errorOf(sel);
  auto row = sel->bind(1, *account).step();
  if (!row) return errorOf(row);
  if (!*row) return std::optional<ArchivePrefs>{};
  ArchivePrefs prefs;
  prefs.defaultMode = static_cast<ArchiveDefault>(sel->int64(0));
  prefs.always = splitLines(sel->text(1));
  prefs.never = splitLines(sel->text(2));
  return std::optional<ArchivePrefs>{std::move(prefs)};
}

Result<> SqliteArchive::setPrefs(std::string_view user, std::string_view host,
                                 const ArchivePrefs& prefs) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkArchivePrefs(prefs, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto account = accountId(*conn, user, host);
  if (!account) return errorOf(account);
  auto up = conn->prepare(
      "INSERT INTO archive_prefs (account_id, default_mode, always_jids, never_jids) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id) DO UPDATE SET "
      "default_mode = excluded.default_mode, always_jids = excluded.always_jids, "
      "never_jids = excluded.never_jids");
  if (!up) return errorOf(up);
  const std::string always = joinLines(prefs.always);
  const std::string never = joinLines(prefs.never);
  if (auto r = up->bind(1, *account)
                   .bind(2, static_cast<std::int64_t>(prefs.defaultMode))
                   .bind(3, always)
                   .bind(4, never)
                   .run();
      !r) {
    return r;
  }
  return tx->commit();
}

}  // namespace keyfed::storage::sqlite
