// The message archive (docs/mam.md). Every page is a range scan of one index:
// archive_by_owner (account_id, seq) or, with a 'with' filter,
// archive_by_with (account_id, with_bare, seq); the count is a second scan of
// the same range, without reading the rows.
#include <algorithm>
#include <limits>
#include <unordered_map>

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {
namespace {

std::int64_t micros(base::SystemTime t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
base::SystemTime fromMicros(std::int64_t us) {
  return base::SystemTime{
      std::chrono::duration_cast<base::SystemTime::duration>(std::chrono::microseconds{us})};
}

// The account's filter as SQL, bound as ?1 account, ?2 low, ?3 high, ?4 with_bare, ?5 resource.
const char* whereClause(const ArchiveQuery& q) {
  if (q.withBare.empty()) return " WHERE account_id = ?1 AND seq BETWEEN ?2 AND ?3";
  if (q.withResource.empty()) {
    return " WHERE account_id = ?1 AND with_bare = ?4 AND seq BETWEEN ?2 AND ?3";
  }
  return " WHERE account_id = ?1 AND with_bare = ?4 AND with_resource = ?5 AND seq BETWEEN ?2 AND "
         "?3";
}

void bindFilter(Stmt& stmt, std::int64_t account, std::int64_t low, std::int64_t high,
                const ArchiveQuery& q) {
  stmt.bind(1, account).bind(2, low).bind(3, high);
  if (!q.withBare.empty()) stmt.bind(4, q.withBare);
  if (!q.withResource.empty()) stmt.bind(5, q.withResource);
}

Result<std::uint64_t> countRange(Connection& conn, std::int64_t account, std::int64_t low,
                                 std::int64_t high, const ArchiveQuery& q) {
  if (low > high) return std::uint64_t{0};
  auto stmt = conn.prepare(std::string("SELECT count(*) FROM archive_messages") + whereClause(q));
  if (!stmt) return errorOf(stmt);
  bindFilter(*stmt, account, low, high, q);
  auto row = stmt->step();
  if (!row) return errorOf(row);
  return static_cast<std::uint64_t>(stmt->int64(0));
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
    auto ins = conn->prepare(
        "INSERT INTO archive_messages (seq, account_id, tag, with_bare, with_resource, stamp, "
        "stanza) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!ins) return errorOf(ins);
    if (auto done = ins->bind(1, r.seq)
                        .bind(2, found->second)
                        .bind(3, static_cast<std::int64_t>(r.tag))
                        .bind(4, r.withBare)
                        .bind(5, r.withResource)
                        .bind(6, micros(r.stamp))
                        .bind(7, r.stanza)
                        .run();
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

  ArchivePage page;
  auto total = countRange(*conn, *account, q.minSeq, q.maxSeq, q);
  if (!total) return errorOf(total);
  page.count = *total;

  // after/before are exclusive bounds inside [minSeq, maxSeq].
  std::int64_t low = q.minSeq;
  std::int64_t high = q.maxSeq;
  if (q.afterSeq) {
    if (*q.afterSeq == std::numeric_limits<std::int64_t>::max()) return page;
    low = std::max(low, *q.afterSeq + 1);
  }
  if (q.beforeSeq) {
    if (*q.beforeSeq <= 0) return page;
    high = std::min(high, *q.beforeSeq - 1);
  }
  if (low > high) return page;  // nothing beyond the bound
  const std::size_t max = std::min(q.max, limits_.archivePageRows);

  const bool backwards = q.fromEnd || q.beforeSeq.has_value();
  auto sel = conn->prepare(std::string("SELECT seq, tag, stamp, stanza FROM archive_messages") +
                           whereClause(q) + (backwards ? " ORDER BY seq DESC" : " ORDER BY seq") +
                           " LIMIT ?6");
  if (!sel) return errorOf(sel);
  bindFilter(*sel, *account, low, high, q);
  // One row more than the page tells whether the page is the last one.
  sel->bind(6, static_cast<std::int64_t>(max) + 1);
  for (;;) {
    auto row = sel->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    if (page.items.size() == max) {
      page.complete = false;
      break;
    }
    page.items.push_back(ArchiveItem{sel->int64(0), static_cast<std::uint32_t>(sel->int64(1)),
                                     fromMicros(sel->int64(2)), sel->text(3)});
  }
  if (backwards) std::reverse(page.items.begin(), page.items.end());
  if (!page.items.empty()) {
    // The page's position: count the items on the side it was paged from,
    // which is the short side for the common pages (the first ones forward,
    // the last ones backward): counting 100,000 index entries costs ~8 ms.
    if (backwards) {
      auto after = countRange(*conn, *account, page.items.back().seq + 1, q.maxSeq, q);
      if (!after) return errorOf(after);
      page.firstIndex = page.count - *after - page.items.size();
    } else {
      auto before = countRange(*conn, *account, q.minSeq, page.items.front().seq - 1, q);
      if (!before) return errorOf(before);
      page.firstIndex = *before;
    }
  }
  return page;
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
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  // seq (the rowid) is never below its item's time (archive_types.hpp), so
  // the items older than the cutoff are the rowids before archiveSeqAt(cutoff):
  // a range of the table itself, whatever its size.
  auto del = conn->prepare(
      "DELETE FROM archive_messages WHERE seq IN (SELECT seq FROM archive_messages "
      "WHERE seq < ?1 ORDER BY seq LIMIT ?2)");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, archiveSeqAt(cutoff)).bind(2, static_cast<std::int64_t>(maxRows)).run();
      !r) {
    return errorOf(r);
  }
  const auto removed = static_cast<std::size_t>(conn->changes());
  if (auto r = tx->commit(); !r) return errorOf(r);
  return removed;
}

Result<std::int64_t> SqliteArchive::lastSeq() {
  auto conn = pool_.acquire();
  auto sel = conn->prepare("SELECT coalesce(max(seq), 0) FROM archive_messages");
  if (!sel) return errorOf(sel);
  auto row = sel->step();
  if (!row) return errorOf(row);
  return sel->int64(0);
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
