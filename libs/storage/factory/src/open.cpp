#include "keyfed/storage/open.hpp"

#include <sys/stat.h>

#include <system_error>

namespace keyfed::storage {

SqliteOptions sqliteOptionsFrom(const config::Config& config) {
  SqliteOptions options;
  options.path = config.storage.path;
  options.connections = config.storage.connections;
  options.busyTimeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.storage.busyTimeout);
  options.limits.offlinePerUser = config.limits.offlinePerUser;
  return options;
}

base::Result<std::unique_ptr<Storage>> openStorage(const config::Config& config) {
  switch (config.storage.backend) {
    case config::StorageBackend::sqlite: {
      const SqliteOptions options = sqliteOptionsFrom(config);
      const auto dir = options.path.parent_path();
      std::error_code ec;
      if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) {
          return base::fail(errc::kIo, "cannot create " + dir.string() + ": " + ec.message());
        }
        // Only the directory made here: an existing one keeps its owner's choice.
        ::chmod(dir.c_str(), 0700);
      }
      return openSqlite(options);
    }
    case config::StorageBackend::postgres:
      return base::fail(errc::kIo, "the postgres storage backend is not built into this keyfed");
  }
  return base::fail(errc::kIo, "unknown storage backend");
}

}  // namespace keyfed::storage
