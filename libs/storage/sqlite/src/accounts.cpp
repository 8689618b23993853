#include <chrono>

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {

Result<std::int64_t> accountId(Connection& conn, std::string_view user, std::string_view host) {
  auto stmt = conn.prepare("SELECT id FROM accounts WHERE host = ?1 AND user = ?2");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, host).bind(2, user).step();
  if (!row) return errorOf(row);
  if (!*row) return base::fail(errc::kNotFound, "no such account");
  return stmt->int64(0);
}

namespace {

Result<> writeCredential(Connection& conn, std::int64_t id, std::string_view hash,
                         const ScramCredential& c) {
  auto stmt = conn.prepare(
      "INSERT INTO scram_credentials (account_id, hash, salt, iterations, stored_key, server_key)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
      " ON CONFLICT (account_id, hash) DO UPDATE SET salt = excluded.salt,"
      " iterations = excluded.iterations, stored_key = excluded.stored_key,"
      " server_key = excluded.server_key");
  if (!stmt) return errorOf(stmt);
  return stmt->bind(1, id)
      .bind(2, hash)
      .bindBlob(3, c.salt)
      .bind(4, std::int64_t{c.iterations})
      .bindBlob(5, c.storedKey)
      .bindBlob(6, c.serverKey)
      .run();
}

Result<> writeCredentials(Connection& conn, std::int64_t id, const Credentials& c) {
  if (auto r = writeCredential(conn, id, "SHA-1", c.sha1); !r) return r;
  return writeCredential(conn, id, "SHA-256", c.sha256);
}

}  // namespace

Result<> SqliteAccounts::create(std::string_view user, std::string_view host,
                                const Credentials& credentials) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkCredentials(credentials, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  if (auto id = accountId(*conn, user, host); id) {
    return base::fail(errc::kConflict, "account already exists");
  } else if (id.error().code != errc::kNotFound) {
    return errorOf(id);
  }
  auto ins = conn->prepare("INSERT INTO accounts (host, user, created) VALUES (?1, ?2, ?3)");
  if (!ins) return errorOf(ins);
  const auto now = base::unixSeconds(std::chrono::system_clock::now());
  if (auto r = ins->bind(1, host).bind(2, user).bind(3, now).run(); !r) return r;
  const std::int64_t id = sqlite3_last_insert_rowid(conn->handle());
  if (auto r = writeCredentials(*conn, id, credentials); !r) return r;
  return tx->commit();
}

Result<> SqliteAccounts::remove(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  // ON DELETE CASCADE removes everything the account owns.
  auto stmt = conn->prepare("DELETE FROM accounts WHERE host = ?1 AND user = ?2");
  if (!stmt) return errorOf(stmt);
  if (auto r = stmt->bind(1, host).bind(2, user).run(); !r) return r;
  if (conn->changes() == 0) return base::fail(errc::kNotFound, "no such account");
  return tx->commit();
}

Result<Credentials> SqliteAccounts::credentials(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto stmt = conn->prepare(
      "SELECT c.hash, c.salt, c.iterations, c.stored_key, c.server_key"
      " FROM accounts a JOIN scram_credentials c ON c.account_id = a.id"
      " WHERE a.host = ?1 AND a.user = ?2");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, host).bind(2, user);
  Credentials out;
  bool sha1 = false;
  bool sha256 = false;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    const std::string hash = stmt->text(0);
    ScramCredential* target = nullptr;
    if (hash == "SHA-1") {
      target = &out.sha1;
      sha1 = true;
    } else if (hash == "SHA-256") {
      target = &out.sha256;
      sha256 = true;
    } else {
      continue;
    }
    target->salt = stmt->blob(1);
    target->iterations = static_cast<std::uint32_t>(stmt->int64(2));
    target->storedKey = stmt->blob(3);
    target->serverKey = stmt->blob(4);
  }
  if (!sha1 && !sha256) return base::fail(errc::kNotFound, "no such account");
  if (!sha1 || !sha256) return base::fail(errc::kIo, "account has incomplete SCRAM credentials");
  return out;
}

Result<> SqliteAccounts::setCredentials(std::string_view user, std::string_view host,
                                        const Credentials& credentials) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkCredentials(credentials, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  if (auto r = writeCredentials(*conn, *id, credentials); !r) return r;
  return tx->commit();
}

Result<bool> SqliteAccounts::exists(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto id = accountId(*conn, user, host);
  if (id) return true;
  if (id.error().code == errc::kNotFound) return false;
  return errorOf(id);
}

Result<std::vector<std::string>> SqliteAccounts::list(std::string_view host) {
  if (auto r = checkHost(host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto stmt = conn->prepare("SELECT user FROM accounts WHERE host = ?1 ORDER BY user");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, host);
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    out.push_back(stmt->text(0));
  }
  return out;
}

Result<std::uint64_t> SqliteAccounts::count(std::string_view host) {
  if (auto r = checkHost(host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto stmt = conn->prepare("SELECT count(*) FROM accounts WHERE host = ?1");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, host).step();
  if (!row) return errorOf(row);
  return static_cast<std::uint64_t>(stmt->int64(0));
}

}  // namespace keyfed::storage::sqlite
