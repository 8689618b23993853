#include "db.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

namespace keyfed::storage::sqlite {

base::Failure dbError(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xFF;
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return base::fail(errc::kBusy, std::move(message));
  }
  return base::fail(errc::kIo, std::move(message));
}

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

// SQLite binds a null pointer as SQL NULL; an empty view may have one.
Stmt& Stmt::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data() != nullptr ? text.data() : "", text.size(),
                      SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Stmt& Stmt::bindBlob(int index, std::span<const std::uint8_t> bytes) {
  static const std::uint8_t kEmpty = 0;
  sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(),
                      SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::bindBlob(int index, std::string_view bytes) {
  return bindBlob(index, std::span<const std::uint8_t>(
                             reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

Result<bool> Stmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return dbError(conn_->handle(), rc, "step");
}

Result<> Stmt::run() {
  auto r = step();
  if (!r) return base::fail(std::move(r).error());
  return {};
}

std::int64_t Stmt::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Stmt::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  if (p == nullptr || n <= 0) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)};
}

Bytes Stmt::blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  if (p == nullptr || n <= 0) return {};
  return {p, p + n};
}

std::string Stmt::blobString(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  if (p == nullptr || n <= 0) return {};
  return {p, static_cast<std::size_t>(n)};
}

Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& path,
                                                     std::chrono::milliseconds busyTimeout) {
  // SQLite would create the file with the umask's permissions; the database
  // holds credentials, so create it 0600 first (WAL and SHM files copy its mode).
  // Only when it does not exist yet: closing a descriptor of a file that other
  // connections of this process have open drops all their POSIX locks
  // (fcntl semantics), which silently broke WAL readers of the other pooled
  // connections (they stopped seeing commits from keyfedctl).
  if (!std::filesystem::exists(path)) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return base::fail(errc::kIo, "cannot create " + path.string() + ": " + std::strerror(errno));
    }
    if (fd >= 0) ::close(fd);
  }

  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  std::unique_ptr<Connection> conn(new Connection(db));
  if (rc != SQLITE_OK) return dbError(db, rc, "open " + path.string());

  const auto ms = std::min<std::chrono::milliseconds::rep>(busyTimeout.count(), INT_MAX);
  sqlite3_busy_timeout(db, static_cast<int>(ms));
  // Defensive mode: no writable_schema, no direct shadow-table writes.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);

  // journal_mode answers with the mode in effect; anything but "wal" means the
  // durability promises of docs/storage.md would not hold.
  auto mode = conn->prepare("PRAGMA journal_mode=WAL");
  if (!mode) return base::fail(std::move(mode).error());
  auto row = mode->step();
  if (!row) return base::fail(std::move(row).error());
  if (!*row || mode->text(0) != "wal") {
    return base::fail(errc::kIo, "cannot switch " + path.string() + " to WAL journal mode");
  }
  if (auto r = conn->exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"); !r) {
    return base::fail(std::move(r).error());
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Stmt> Connection::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return dbError(db_, rc, "prepare");
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Stmt(*this, it->second);
}

Result<> Connection::exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string message = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    const int primary = rc & 0xFF;
    return base::fail(primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? errc::kBusy : errc::kIo,
                      "exec: " + message);
  }
  return {};
}

Result<Transaction> Transaction::begin(Connection& conn, Mode mode) {
  std::unique_lock<std::mutex> lock;
  if (mode == Mode::write && conn.writeLock() != nullptr) {
    lock = std::unique_lock<std::mutex>(*conn.writeLock());
  }
  auto stmt = conn.prepare(mode == Mode::write ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!stmt) return errorOf(stmt);
  if (auto r = stmt->run(); !r) return errorOf(r);
  return Transaction(conn, std::move(lock));
}

Transaction::~Transaction() {
  if (conn_ == nullptr) return;
  if (auto stmt = conn_->prepare("ROLLBACK")) (void)stmt->run();
}

Result<> Transaction::commit() {
  auto stmt = conn_->prepare("COMMIT");
  if (!stmt) return base::fail(std::move(stmt).error());
  if (auto r = stmt->run(); !r) return r;  // the destructor rolls back
  conn_ = nullptr;
  return {};
}

}  // namespace keyfed::storage::sqlite
