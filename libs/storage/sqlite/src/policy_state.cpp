// The live federation policy entries and the nonces of FAC requests.

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {
namespace {

constexpr const char* kEntryColumns =
    "id, kind, spec, origin, request_id, requester, created, expires";

Result<PolicyEntry> readEntry(const Stmt& stmt) {
  PolicyEntry e;
  e.id = stmt.int64(0);
  auto kind = parsePolicyEntryKind(stmt.text(1));
  if (!kind)
    return base::fail(errc::kIo, "policy entry " + std::to_string(e.id) + " has an unknown kind");
  e.kind = *kind;
  e.spec = stmt.text(2);
  e.origin = stmt.text(3);
  e.requestId = stmt.text(4);
  e.requester = stmt.text(5);
  e.created = base::fromUnixSeconds(stmt.int64(6));
  if (!stmt.isNull(7)) e.expires = base::fromUnixSeconds(stmt.int64(7));
  return e;
}

Result<std::vector<PolicyEntry>> readEntries(Stmt& stmt) {
  std::vector<PolicyEntry> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    auto entry = readEntry(stmt);
    if (!entry) return errorOf(entry);
    out.push_back(std::move(*entry));
  }
}

Result<std::int64_t> entryCount(Connection& conn) {
  auto stmt = conn.prepare("SELECT count(*) FROM policy_entries");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->step();
  if (!row) return errorOf(row);
  return stmt->int64(0);
}

}  // namespace

Result<std::vector<std::int64_t>> SqlitePolicyEntries::add(std::span<const PolicyEntry> entries) {
  for (const auto& e : entries) {
    if (auto r = checkPolicyEntry(e, limits_); !r) return errorOf(r);
  }
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto held = entryCount(*conn);
  if (!held) return errorOf(held);
  if (static_cast<std::size_t>(*held) + entries.size() > limits_.policyEntries) {
    return base::fail(errc::kQuota, "the live policy holds " + std::to_string(*held) +
                                        " entries; at most " +
                                        std::to_string(limits_.policyEntries) + " are allowed");
  }
  std::vector<std::int64_t> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) {
    auto ins = conn->prepare(
        "INSERT INTO policy_entries (kind, spec, origin, request_id, requester, created, expires)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?8 THEN ?7 END)");
    if (!ins) return errorOf(ins);
    ins->bind(1, toString(e.kind))
        .bind(2, e.spec)
        .bind(3, e.origin)
        .bind(4, e.requestId)
        .bind(5, e.requester)
        .bind(6, base::unixSeconds(e.created))
        .bind(7, e.expires ? base::unixSeconds(*e.expires) : std::int64_t{0})
        .bind(8, std::int64_t{e.expires ? 1 : 0});
    if (auto r = ins->run(); !r) return errorOf(r);
    ids.push_back(sqlite3_last_insert_rowid(conn->handle()));
  }
  if (auto r = tx->commit(); !r) return errorOf(r);
  return ids;
}

Result<bool> SqlitePolicyEntries::remove(std::int64_t id) {
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto del = conn->prepare("DELETE FROM policy_entries WHERE id = ?1");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, id).run(); !r) return errorOf(r);
  const bool existed = conn->changes() > 0;
  if (auto r = tx->commit(); !r) return errorOf(r);
  return existed;
}

Result<std::vector<PolicyEntry>> SqlitePolicyEntries::list() {
  auto conn = pool_.acquire();
  auto stmt =
      conn->prepare(std::string("SELECT ") + kEntryColumns + " FROM policy_entries ORDER BY id");
  if (!stmt) return errorOf(stmt);
  return readEntries(*stmt);
}

Result<std::vector<PolicyEntry>> SqlitePolicyEntries::removeExpired(base::SystemTime now) {
  const std::int64_t at = base::unixSeconds(now);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  std::vector<PolicyEntry> expired;
  {
    auto sel = conn->prepare(std::string("SELECT ") + kEntryColumns +
                             " FROM policy_entries WHERE expires IS NOT NULL AND expires <= ?1"
                             " ORDER BY id");
    if (!sel) return errorOf(sel);
    sel->bind(1, at);
    auto rows = readEntries(*sel);
    if (!rows) return errorOf(rows);
    expired = std::move(*rows);
  }
  if (expired.empty()) return expired;
  auto del =
      conn->prepare("DELETE FROM policy_entries WHERE expires IS NOT NULL AND expires <= ?1");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, at).run(); !r) return errorOf(r);
  if (auto r = tx->commit(); !r) return errorOf(r);
  return expired;
}

Result<bool> SqliteNonces::remember(std::string_view principal, std::string_view nonce,
                                    base::SystemTime expires, base::SystemTime now) {
  if (auto r = checkNonce(principal, nonce, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto purge = conn->prepare("DELETE FROM fac_nonces WHERE expires <= ?1");
  if (!purge) return errorOf(purge);
  if (auto r = purge->bind(1, base::unixSeconds(now)).run(); !r) return errorOf(r);
  {
    auto seen = conn->prepare("SELECT 1 FROM fac_nonces WHERE principal = ?1 AND nonce = ?2");
    if (!seen) return errorOf(seen);
    auto row = seen->bind(1, principal).bind(2, nonce).step();
    if (!row) return errorOf(row);
    if (*row) return false;
  }
  {
    auto count = conn->prepare("SELECT count(*) FROM fac_nonces");
    if (!count) return errorOf(count);
    auto row = count->step();
    if (!row) return errorOf(row);
    if (static_cast<std::size_t>(count->int64(0)) >= limits_.noncesHeld) {
      return base::fail(errc::kQuota, "too many recent requests (" +
                                          std::to_string(limits_.noncesHeld) +
                                          " nonces held); try again later");
    }
  }
  auto ins =
      conn->prepare("INSERT INTO fac_nonces (principal, nonce, expires) VALUES (?1, ?2, ?3)");
  if (!ins) return errorOf(ins);
  if (auto r = ins->bind(1, principal).bind(2, nonce).bind(3, base::unixSeconds(expires)).run();
      !r) {
    return errorOf(r);
  }
  if (auto r = tx->commit(); !r) return errorOf(r);
  return true;
}

}  // namespace keyfed::storage::sqlite
