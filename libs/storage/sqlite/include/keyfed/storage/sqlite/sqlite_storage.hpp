#pragma once
// SQLite backend of the storage interfaces (docs/storage.md): WAL journal,
// synchronous=NORMAL, foreign keys, a pool of connections each with its own
// prepared-statement cache, schema migrations applied on open.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>

#include "keyfed/base/result.hpp"
#include "keyfed/storage/stores.hpp"
#include "keyfed/storage/types.hpp"

namespace keyfed::storage {

struct SqliteOptions {
  std::filesystem::path path;  // the database file; created (mode 0600) if absent
  // Connections in the pool: calls from up to this many threads run at once
  // (reads in parallel, writes one at a time). 1 = a single connection behind a mutex.
  std::size_t connections = 4;
  // How long a write waits for another connection or process holding the write lock.
  std::chrono::milliseconds busyTimeout{5000};
  Limits limits;
};

// Opens (creating and migrating as needed) the database. Errors: errc::kSchema
// when the file's schema is newer than this code, errc::kIo for anything else
// (unreadable file, not a database, missing directory).
base::Result<std::unique_ptr<Storage>> openSqlite(const SqliteOptions& options);

// The schema version this code creates and understands.
int sqliteSchemaVersion();

}  // namespace keyfed::storage
