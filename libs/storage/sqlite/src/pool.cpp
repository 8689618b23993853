#include "pool.hpp"

#include "migrations.hpp"

namespace keyfed::storage::sqlite {

Result<std::unique_ptr<Pool>> Pool::open(const SqliteOptions& options) {
  if (options.connections == 0 || options.connections > 64) {
    return base::fail(errc::kInvalid, "connections must be between 1 and 64");
  }
  std::unique_ptr<Pool> pool(new Pool());
  for (std::size_t i = 0; i < options.connections; ++i) {
    auto conn = Connection::open(options.path, options.busyTimeout);
    if (!conn) return base::fail(std::move(conn).error());
    if (i == 0) {
      auto version = migrate(**conn, schemaMigrations());
      if (!version) return base::fail(std::move(version).error());
    }
    (*conn)->setWriteLock(&pool->writeLock_);
    pool->free_.push_back(conn->get());
    pool->all_.push_back(std::move(*conn));
  }
  return pool;
}

Pool::Lease Pool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !free_.empty(); });
  Connection* conn = free_.back();
  free_.pop_back();
  return Lease(*this, conn);
}

void Pool::release(Connection* conn) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(conn);
  }
  available_.notify_one();
}

}  // namespace keyfed::storage::sqlite
