#pragma once
// Internal: the schema as an ordered list of migrations, and the runner that
// brings a database up to date when it is opened.

#include <span>

#include "db.hpp"

namespace keyfed::storage::sqlite {

struct Migration {
  int version;      // 1, 2, 3, ... in order, no gaps
  const char* sql;  // statements without parameters
};

// Marks the file as ours (PRAGMA application_id, "kfDB").
inline constexpr std::int32_t kApplicationId = 0x6B664442;

// The migrations of the current code (docs/storage.md lists them).
std::span<const Migration> schemaMigrations();

// In one IMMEDIATE transaction: refuses a file that belongs to another
// application or has a schema newer than the last migration (errc::kSchema),
// then applies the missing migrations in order and records the version. A
// failing migration leaves the file as it was.
Result<int> migrate(Connection& conn, std::span<const Migration> migrations);

}  // namespace keyfed::storage::sqlite
