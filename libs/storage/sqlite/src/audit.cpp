// The FAC agent's append-only audit log.

#include <algorithm>
#include <limits>

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {

Result<std::int64_t> SqliteAudit::append(const AuditRecord& record) {
  if (auto r = checkAuditRecord(record, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto ins = conn->prepare(
      "INSERT INTO fac_audit (at, event, request_id, principal, peer, outcome, entry_id, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!ins) return errorOf(ins);
  ins->bind(1, base::unixSeconds(record.at))
      .bind(2, record.event)
      .bind(3, record.requestId)
      .bind(4, record.principal)
      .bind(5, record.peer)
      .bind(6, record.outcome)
      .bind(7, record.entryId)
      .bind(8, record.detail);
  if (auto r = ins->run(); !r) return errorOf(r);
  const std::int64_t id = sqlite3_last_insert_rowid(conn->handle());
  if (auto r = tx->commit(); !r) return errorOf(r);
  return id;
}

Result<std::vector<AuditRecord>> SqliteAudit::query(const AuditQuery& q) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  const std::size_t limit = std::min(q.limit, limits_.auditQueryRows);
  auto conn = pool_.acquire();
  // One statement for every combination of filters: an empty filter matches all.
  auto stmt = conn->prepare(
      "SELECT id, at, event, request_id, principal, peer, outcome, entry_id, detail"
      " FROM fac_audit"
      " WHERE at >= ?1 AND at < ?2 AND id < ?3"
      " AND (?4 = '' OR event = ?4) AND (?5 = '' OR request_id = ?5)"
      " AND (?6 = '' OR principal = ?6) AND (?7 = '' OR peer = ?7)"
      " AND (?8 = '' OR outcome = ?8) AND (?9 = 0 OR entry_id = ?9)"
      " ORDER BY id DESC LIMIT ?10");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, q.since ? base::unixSeconds(*q.since) : kMin)
      .bind(2, q.until ? base::unixSeconds(*q.until) : kMax)
      .bind(3, q.beforeId > 0 ? q.beforeId : kMax)
      .bind(4, q.event)
      .bind(5, q.requestId)
      .bind(6, q.principal)
      .bind(7, q.peer)
      .bind(8, q.outcome)
      .bind(9, q.entryId)
      .bind(10, static_cast<std::int64_t>(limit));
  std::vector<AuditRecord> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    AuditRecord r;
    r.id = stmt->int64(0);
    r.at = base::fromUnixSeconds(stmt->int64(1));
    r.event = stmt->text(2);
    r.requestId = stmt->text(3);
    r.principal = stmt->text(4);
    r.peer = stmt->text(5);
    r.outcome = stmt->text(6);
    r.entryId = stmt->int64(7);
    r.detail = stmt->text(8);
    out.push_back(std::move(r));
  }
}

}  // namespace keyfed::storage::sqlite

namespace keyfed::storage::sqlite {

Result<AuditLog::PruneBound> SqliteAudit::pruneBound(std::optional<base::SystemTime> olderThan,
                                                     std::size_t keepNewest) {
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  std::int64_t upTo = 0;
  if (olderThan) {
    // Up to the first record that is young enough: a clock that stepped back
    // never gets a younger record removed.
    auto stmt = conn->prepare(
        "SELECT COALESCE((SELECT MIN(id) FROM fac_audit WHERE at >= ?1) - 1,"
        " (SELECT MAX(id) FROM fac_audit), 0)");
    if (!stmt) return errorOf(stmt);
    stmt->bind(1, base::unixSeconds(*olderThan));
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (*row) upTo = std::max(upTo, stmt->int64(0));
  }
  if (keepNewest > 0) {
    auto stmt = conn->prepare("SELECT id FROM fac_audit ORDER BY id DESC LIMIT 1 OFFSET ?1");
    if (!stmt) return errorOf(stmt);
    stmt->bind(1, static_cast<std::int64_t>(keepNewest));
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (*row) upTo = std::max(upTo, stmt->int64(0));
  }
  PruneBound bound;
  if (upTo <= 0) return bound;
  auto count = conn->prepare("SELECT COUNT(*) FROM fac_audit WHERE id <= ?1");
  if (!count) return errorOf(count);
  count->bind(1, upTo);
  auto row = count->step();
  if (!row) return errorOf(row);
  bound.records = *row ? count->int64(0) : 0;
  bound.upTo = bound.records > 0 ? upTo : 0;
  if (auto r = tx->commit(); !r) return errorOf(r);
  return bound;
}

Result<std::size_t> SqliteAudit::prune(std::int64_t upTo, std::size_t batch) {
  if (upTo <= 0 || batch == 0) return std::size_t{0};
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  if (auto r = conn->exec("INSERT INTO fac_audit_prune_permit (id) VALUES (1)"); !r) {
    return errorOf(r);
  }
  auto del = conn->prepare(
      "DELETE FROM fac_audit WHERE id IN"
      " (SELECT id FROM fac_audit WHERE id <= ?1 ORDER BY id LIMIT ?2)");
  if (!del) return errorOf(del);
  del->bind(1, upTo).bind(2, static_cast<std::int64_t>(batch));
  if (auto r = del->run(); !r) return errorOf(r);
  const auto removed = static_cast<std::size_t>(conn->changes());
  if (auto r = conn->exec("DELETE FROM fac_audit_prune_permit"); !r) return errorOf(r);
  if (auto r = tx->commit(); !r) return errorOf(r);
  return removed;
}

}  // namespace keyfed::storage::sqlite
