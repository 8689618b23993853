// Schema migrations: applied in order on open, all or nothing, never downgraded.

#include <gtest/gtest.h>

#include "db.hpp"
#include "migrations.hpp"
#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using sqlite::Connection;
using sqlite::Migration;
using testing::TempDir;

std::int64_t scalar(Connection& conn, const char* sql) {
  auto stmt = conn.prepare(sql);
  EXPECT_TRUE(stmt.has_value());
  if (!stmt) return -1;
  auto row = stmt->step();
  return row && *row ? stmt->int64(0) : -1;
}

std::unique_ptr<Connection> connect(const TempDir& dir) {
  auto c = Connection::open(dir.path() / "keyfed.db", std::chrono::milliseconds{1000});
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().describe());
  return c ? std::move(*c) : nullptr;
}

TEST(Migrations, EmptyFileIsMigratedToTheLatestSchema) {
  TempDir dir;
  ASSERT_NE(testing::openIn(dir), nullptr);
  auto conn = connect(dir);
  EXPECT_EQ(scalar(*conn, "SELECT version FROM schema_version"), sqliteSchemaVersion());
  EXPECT_EQ(scalar(*conn, "SELECT count(*) FROM schema_version"), 1);
  EXPECT_EQ(scalar(*conn, "PRAGMA application_id"), sqlite::kApplicationId);
  EXPECT_EQ(scalar(*conn, "SELECT count(*) FROM sqlite_schema WHERE name = 'offline_messages'"), 1);
  auto mode = conn->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.has_value());
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->text(0), "wal");
}

TEST(Migrations, ReopeningKeepsTheSchemaAndData) {
  TempDir dir;
  {
    auto s = testing::openIn(dir);
    ASSERT_TRUE(s->accounts().create("a", "example.org", testing::credentials()).has_value());
  }
  for (int i = 0; i < 3; ++i) {
    auto s = testing::openIn(dir);
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(*s->accounts().exists("a", "example.org"));
  }
  auto conn = connect(dir);
  EXPECT_EQ(scalar(*conn, "SELECT count(*) FROM schema_version"), 1);
}

TEST(Migrations, NewerSchemaThanTheCodeIsRefused) {
  TempDir dir;
  ASSERT_NE(testing::openIn(dir), nullptr);
  {
    auto conn = connect(dir);
    ASSERT_TRUE(conn->exec("UPDATE schema_version SET version = 99").has_value());
  }
  auto r = openSqlite(testing::optionsIn(dir));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kSchema);
  EXPECT_NE(r.error().message.find("version 99"), std::string::npos) << r.error().message;
}

TEST(Migrations, AppliedInOrderFromAnOlderVersion) {
  TempDir dir;
  const Migration v1[] = {{1, "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (7);"}};
  const Migration v2[] = {{1, "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (7);"},
                          {2, "ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'x';"},
                          {3, "CREATE TABLE u (c INTEGER); INSERT INTO u SELECT a FROM t;"}};
  auto conn = connect(dir);
  auto first = sqlite::migrate(*conn, v1);
  ASSERT_TRUE(first.has_value()) << first.error().describe();
  EXPECT_EQ(*first, 1);
  auto second = sqlite::migrate(*conn, v2);
  ASSERT_TRUE(second.has_value()) << second.error().describe();
  EXPECT_EQ(*second, 3);
  EXPECT_EQ(scalar(*conn, "SELECT version FROM schema_version"), 3);
  EXPECT_EQ(scalar(*conn, "SELECT count(*) FROM t WHERE a = 7 AND b = 'x'"), 1);
  EXPECT_EQ(scalar(*conn, "SELECT c FROM u"), 7);
  // Running again changes nothing.
  EXPECT_EQ(*sqlite::migrate(*conn, v2), 3);
  EXPECT_EQ(scalar(*conn, "SELECT count(*) FROM u"), 1);
}

TEST(Migrations, FailingMigrationLeavesTheFileAsItWas) {
  TempDir dir;
  const Migration v1[] = {{1, "CREATE TABLE t (a INTEGER);"}};
  const Migration bad[] = {{1, "CREATE TABLE t (a INTEGER);"},
                           {2, "CREATE TABLE u (b INTEGER);"},
                           {3, "INSERT INTO no_such_table VALUES (1);"}};
  auto conn = connect(dir);
  ASSERT_TRUE(sqlite::migrate(*conn, v1).has_value());
  auto r = sqlite::migrate(*conn, bad);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kSchema);
  EXPECT_NE(r.error().message.find("version 3"), std::string::npos) << r.error().message;
  EXPECT_EQ(scalar(*conn, "SELECT version FROM schema_version"), 1);
  EXPECT_EQ(scalar(*conn, "SELECT count(*) FROM sqlite_schema WHERE name = 'u'"), 0);
}

}  // namespace
}  // namespace keyfed::storage
