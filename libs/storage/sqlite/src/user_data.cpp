// vCards, blocklists and private data: small per-user records.

#include <algorithm>

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {
namespace {

Result<std::int64_t> countOf(Connection& conn, std::string_view sql, std::int64_t id) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, id).step();
  if (!row) return errorOf(row);
  return stmt->int64(0);
}

}  // namespace

// vCard ------------------------------------------------------------------

Result<std::optional<std::string>> SqliteVCards::get(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto stmt = conn->prepare(
      "SELECT v.vcard FROM accounts a LEFT JOIN vcards v ON v.account_id = a.id"
      " WHERE a.host = ?1 AND a.user = ?2");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, host).bind(2, user).step();
  if (!row) return errorOf(row);
  if (!*row) return base::fail(errc::kNotFound, "no such account");
  if (stmt->isNull(0)) return std::optional<std::string>{};
  return std::optional<std::string>(stmt->text(0));
}

Result<> SqliteVCards::set(std::string_view user, std::string_view host, std::string_view vcard) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkVCard(vcard, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  // Inserts nothing when the account does not exist.
  auto stmt = conn->prepare(
      "INSERT INTO vcards (account_id, vcard) SELECT id, ?3 FROM accounts"
      " WHERE host = ?1 AND user = ?2"
      " ON CONFLICT (account_id) DO UPDATE SET vcard = excluded.vcard");
  if (!stmt) return errorOf(stmt);
  if (auto r = stmt->bind(1, host).bind(2, user).bind(3, vcard).run(); !r) return r;
  if (conn->changes() == 0) return base::fail(errc::kNotFound, "no such account");
  return tx->commit();
}

Result<> SqliteVCards::remove(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto stmt = conn->prepare("DELETE FROM vcards WHERE account_id = ?1");
  if (!stmt) return errorOf(stmt);
  if (auto r = stmt->bind(1, *id).run(); !r) return r;
  return tx->commit();
}

// Blocklist ----------------------------------------------------------------

Result<std::vector<std::string>> SqliteBlocklist::list(std::string_view user,
                                                       std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto stmt = conn->prepare("SELECT jid FROM blocklist WHERE account_id = ?1 ORDER BY jid");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, *id);
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    out.push_back(stmt->text(0));
  }
}

Result<bool> SqliteBlocklist::isBlocked(std::string_view user, std::string_view host,
                                        std::string_view jid) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkJid(jid, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto stmt = conn->prepare(
      "SELECT a.id, b.jid IS NOT NULL FROM accounts a"
      " LEFT JOIN blocklist b ON b.account_id = a.id AND b.jid = ?3"
      " WHERE a.host = ?1 AND a.user = ?2");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, host).bind(2, user).bind(3, jid).step();
  if (!row) return errorOf(row);
  if (!*row) return base::fail(errc::kNotFound, "no such account");
  return stmt->int64(1) != 0;
}

Result<> SqliteBlocklist::add(std::string_view user, std::string_view host,
                              std::span<const std::string> jids) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (jids.size() > limits_.blocklistPerUser) {
    return base::fail(errc::kQuota, "blocklist is limited to " +
                                        std::to_string(limits_.blocklistPerUser) + " entries");
  }
  for (const auto& jid : jids) {
    if (auto r = checkJid(jid, limits_); !r) return r;
  }
  std::vector<std::string> unique(jids.begin(), jids.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());

  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto n = countOf(*conn, "SELECT count(*) FROM blocklist WHERE account_id = ?1", *id);
  if (!n) return errorOf(n);
  std::size_t fresh = 0;
  for (const auto& jid : unique) {
    auto has = conn->prepare("SELECT 1 FROM blocklist WHERE account_id = ?1 AND jid = ?2");
    if (!has) return errorOf(has);
    auto row = has->bind(1, *id).bind(2, jid).step();
    if (!row) return errorOf(row);
    if (!*row) ++fresh;
  }
  if (static_cast<std::size_t>(*n) + fresh > limits_.blocklistPerUser) {
    return base::fail(errc::kQuota, "blocklist is limited to " +
                                        std::to_string(limits_.blocklistPerUser) + " entries");
  }
  for (const auto& jid : unique) {
    auto ins = conn->prepare("INSERT OR IGNORE INTO blocklist (account_id, jid) VALUES (?1, ?2)");
    if (!ins) return errorOf(ins);
    if (auto r = ins->bind(1, *id).bind(2, jid).run(); !r) return r;
  }
  return tx->commit();
}

Result<> SqliteBlocklist::remove(std::string_view user, std::string_view host,
                                 std::span<const std::string> jids) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  for (const auto& jid : jids) {
    if (auto r = checkJid(jid, limits_); !r) return r;
  }
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  for (const auto& jid : jids) {
    auto del = conn->prepare("DELETE FROM blocklist WHERE account_id = ?1 AND jid = ?2");
    if (!del) return errorOf(del);
    if (auto r = del->bind(1, *id).bind(2, jid).run(); !r) return r;
  }
  return tx->commit();
}

Result<> SqliteBlocklist::clear(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto del = conn->prepare("DELETE FROM blocklist WHERE account_id = ?1");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, *id).run(); !r) return r;
  return tx->commit();
}

// Private data -------------------------------------------------------------

Result<std::optional<std::string>> SqlitePrivate::get(std::string_view user, std::string_view host,
                                                      std::string_view ns, std::string_view key) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkPrivateKey(ns, key, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto stmt = conn->prepare(
      "SELECT p.value FROM accounts a LEFT JOIN private_data p"
      " ON p.account_id = a.id AND p.namespace = ?3 AND p.key = ?4"
      " WHERE a.host = ?1 AND a.user = ?2");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, host).bind(2, user).bind(3, ns).bind(4, key).step();
  if (!row) return errorOf(row);
  if (!*row) return base::fail(errc::kNotFound, "no such account");
  if (stmt->isNull(0)) return std::optional<std::string>{};
  return std::optional<std::string>(stmt->blobString(0));
}

Result<> SqlitePrivate::put(std::string_view user, std::string_view host, std::string_view ns,
                            std::string_view key, std::string_view value) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkPrivateKey(ns, key, limits_); !r) return r;
  if (auto r = checkPrivateValue(value, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  bool present = false;
  std::int64_t oldBytes = 0;
  {
    // length() of a BLOB reads the record header only, not the value.
    auto has = conn->prepare(
        "SELECT length(value) FROM private_data"
        " WHERE account_id = ?1 AND namespace = ?2 AND key = ?3");
    if (!has) return errorOf(has);
    auto row = has->bind(1, *id).bind(2, ns).bind(3, key).step();
    if (!row) return errorOf(row);
    present = *row;
    if (present) oldBytes = has->int64(0);
  }
  if (!present) {
    auto n = countOf(*conn, "SELECT count(*) FROM private_data WHERE account_id = ?1", *id);
    if (!n) return errorOf(n);
    if (static_cast<std::size_t>(*n) >= limits_.privateEntriesPerUser) {
      return base::fail(errc::kQuota, "private storage is limited to " +
                                          std::to_string(limits_.privateEntriesPerUser) +
                                          " entries");
    }
  }
  auto total = countOf(
      *conn, "SELECT coalesce(sum(length(value)), 0) FROM private_data WHERE account_id = ?1", *id);
  if (!total) return errorOf(total);
  if (static_cast<std::size_t>(*total - oldBytes) + value.size() > limits_.privateBytesPerUser) {
    return base::fail(errc::kQuota, "private storage is limited to " +
                                        std::to_string(limits_.privateBytesPerUser) + " bytes");
  }
  auto ins = conn->prepare(
      "INSERT INTO private_data (account_id, namespace, key, value) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (account_id, namespace, key) DO UPDATE SET value = excluded.value");
  if (!ins) return errorOf(ins);
  if (auto r = ins->bind(1, *id).bind(2, ns).bind(3, key).bindBlob(4, value).run(); !r) return r;
  return tx->commit();
}

Result<bool> SqlitePrivate::remove(std::string_view user, std::string_view host,
                                   std::string_view ns, std::string_view key) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkPrivateKey(ns, key, limits_); !r) return errorOf(r);
  return deleteOwnedRows(
      pool_, [&](Connection& conn) { return accountId(conn, user, host); },
      "DELETE FROM private_data WHERE account_id = ?1 AND namespace = ?2 AND key = ?3", {ns, key});
}

Result<std::vector<PrivateEntry>> SqlitePrivate::list(std::string_view user, std::string_view host,
                                                      std::string_view ns) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkPrivateNamespace(ns, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto stmt = conn->prepare(
      "SELECT key, value FROM private_data WHERE account_id = ?1 AND namespace = ?2 ORDER BY key");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, *id).bind(2, ns);
  std::vector<PrivateEntry> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    out.push_back(PrivateEntry{stmt->text(0), stmt->blobString(1)});
  }
}

}  // namespace keyfed::storage::sqlite
