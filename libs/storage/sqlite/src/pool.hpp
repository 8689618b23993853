#pragma once
// Internal: a fixed set of connections handed out one thread at a time.
// SQLite in WAL mode lets readers run beside one writer, so several
// connections let reads proceed in parallel; writes queue on the database's
// write lock (BEGIN IMMEDIATE + busy timeout). docs/storage.md has the numbers.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "db.hpp"
#include "keyfed/storage/sqlite/sqlite_storage.hpp"

namespace keyfed::storage::sqlite {

class Pool {
 public:
  // Opens options.connections connections and migrates the schema with the first.
  static Result<std::unique_ptr<Pool>> open(const SqliteOptions& options);

  // A connection for the duration of one store call.
  class Lease {
   public:
    Lease(Pool& pool, Connection* conn) : pool_(&pool), conn_(conn) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(other.conn_) {
      other.conn_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (conn_ != nullptr) pool_->release(conn_);
    }
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_; }

   private:
    Pool* pool_;
    Connection* conn_;
  };

  // Blocks until a connection is free.
  Lease acquire();

 private:
  Pool() = default;
  void release(Connection* conn);

  std::mutex mutex_;
  std::condition_variable available_;
  std::mutex writeLock_;  // write transactions of this process, one at a time
  std::vector<std::unique_ptr<Connection>> all_;
  std::vector<Connection*> free_;
};

}  // namespace keyfed::storage::sqlite
