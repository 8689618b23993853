#pragma once
// Internal: a thin RAII layer over the SQLite C API. A Connection is used by one
// thread at a time (the pool hands it out); it caches its prepared statements.
// Values are always bound as parameters, never formatted into SQL.

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "keyfed/base/result.hpp"
#include "keyfed/storage/types.hpp"

namespace keyfed::storage::sqlite {

template <class T = void>
using Result = base::Result<T>;

class Connection;

// The error of a failed Result, to return from a function of another Result type.
template <class T>
base::Failure errorOf(const base::Result<T>& r) {
  return base::fail(r.error());
}

// Error for a failed SQLite call: kBusy for lock timeouts, kIo otherwise.
base::Failure dbError(sqlite3* db, int rc, std::string_view what);

// A prepared statement borrowed from a connection's cache. Parameters bound by
// reference (SQLITE_STATIC) stay valid because the statement is reset and its
// bindings cleared when the Stmt goes out of scope, before the caller's data.
class Stmt {
 public:
  Stmt(Connection& conn, sqlite3_stmt* stmt) : conn_(&conn), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept : conn_(other.conn_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Parameters are 1-based, as in the SQL (?1, ?2, ...).
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, std::int64_t value);
  Stmt& bindBlob(int index, std::span<const std::uint8_t> bytes);
  Stmt& bindBlob(int index, std::string_view bytes);

  // Advances: true when a row is available, false when done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Result<> run();

  bool isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  Bytes blob(int column) const;
  std::string blobString(int column) const;

 private:
  Connection* conn_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating with mode 0600) and configures: WAL, synchronous=NORMAL,
  // foreign keys, busy timeout, defensive mode.
  static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& path,
                                                  std::chrono::milliseconds busyTimeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The cached prepared statement for `sql` (prepared on first use).
  Result<Stmt> prepare(std::string_view sql);
  // Runs SQL text without parameters (schema migrations, pragmas).
  Result<> exec(const char* sql);
  std::int64_t changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }
  // The mutex write transactions of this process queue on (set by the pool).
  void setWriteLock(std::mutex* lock) { writeLock_ = lock; }
  std::mutex* writeLock() const { return writeLock_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::mutex* writeLock_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// A write transaction first queues on the process's write mutex (so threads
// of this process never meet SQLite's sleeping busy handler; only other
// processes do), then starts with BEGIN IMMEDIATE (taking the database write
// lock up front, so the busy timeout applies instead of a failed lock upgrade
// midway). A read transaction starts with BEGIN, which gives its queries one
// consistent snapshot, and runs beside the writer (WAL). ROLLBACK on
// destruction unless commit() succeeded.
class Transaction {
 public:
  enum class Mode { read, write };
  static Result<Transaction> begin(Connection& conn, Mode mode = Mode::write);
  Transaction(Transaction&& other) noexcept : lock_(std::move(other.lock_)), conn_(other.conn_) {
    other.conn_ = nullptr;
  }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  Result<> commit();

 private:
  Transaction(Connection& conn, std::unique_lock<std::mutex> lock)
      : lock_(std::move(lock)), conn_(&conn) {}
  std::unique_lock<std::mutex> lock_;  // released after the ROLLBACK/COMMIT
  Connection* conn_;
};

}  // namespace keyfed::storage::sqlite
