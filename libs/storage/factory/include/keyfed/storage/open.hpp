#pragma once
// Composition helper: the storage backend named by the [storage] section of the
// configuration. Lives in its own target (keyfed::storage_factory) so that the
// storage interfaces and backends never depend on the config library.

#include <memory>

#include "keyfed/base/result.hpp"
#include "keyfed/config/config.hpp"
#include "keyfed/storage/sqlite/sqlite_storage.hpp"
#include "keyfed/storage/stores.hpp"

namespace keyfed::storage {

// SqliteOptions from the config: storage.path, storage.connections,
// storage.busy_timeout, limits.offline_per_user.
SqliteOptions sqliteOptionsFrom(const config::Config& config);

// Opens the configured backend; creates the database's directory (mode 0700)
// when missing. backend = "postgres" fails with errc::kIo ("not built in") for now.
base::Result<std::unique_ptr<Storage>> openStorage(const config::Config& config);

}  // namespace keyfed::storage
