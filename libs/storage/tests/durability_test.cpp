// What is committed stays: across close/reopen and across a kill -9 of the
// writing process. And files that are not ours are refused.

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::credentials;
using testing::openIn;
using testing::TempDir;
using namespace std::chrono_literals;

std::string integrityCheck(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return result;
}

TEST(Durability, DataSurvivesCloseAndReopen) {
  TempDir dir;
  {
    auto s = openIn(dir);
    ASSERT_TRUE(s->accounts().create("juliet", "example.org", credentials(4)).has_value());
    RosterItem item;
    item.jid = "romeo@example.net";
    item.subscription = Subscription::from;
    item.groups = {"G"};
    ASSERT_TRUE(s->roster().upsert("juliet", "example.org", item).has_value());
    ASSERT_TRUE(s->offline()
                    .store("juliet", "example.org", "<message/>", base::SystemTime{5s})
                    .has_value());
    ASSERT_TRUE(s->vcards().set("juliet", "example.org", "<vCard/>").has_value());
    const std::vector<std::string> blocked = {"paris@example.org"};
    ASSERT_TRUE(s->blocklist().add("juliet", "example.org", blocked).has_value());
    ASSERT_TRUE(s->privateData().put("juliet", "example.org", "ns", "k", "v").has_value());
  }
  auto s = openIn(dir);
  EXPECT_EQ(*s->accounts().credentials("juliet", "example.org"), credentials(4));
  auto roster = s->roster().get("juliet", "example.org");
  ASSERT_EQ(roster->items.size(), 1U);
  EXPECT_EQ(roster->items[0].subscription, Subscription::from);
  EXPECT_EQ(roster->items[0].groups, (std::vector<std::string>{"G"}));
  EXPECT_EQ(roster->version, 1U);
  auto offline = s->offline().take("juliet", "example.org");
  ASSERT_EQ(offline->size(), 1U);
  EXPECT_EQ(offline->at(0).stamp, base::SystemTime{5s});
  EXPECT_EQ(**s->vcards().get("juliet", "example.org"), "<vCard/>");
  EXPECT_TRUE(*s->blocklist().isBlocked("juliet", "example.org", "paris@example.org"));
  EXPECT_EQ(**s->privateData().get("juliet", "example.org", "ns", "k"), "v");
}

// A child process writes as fast as it can and reports each committed write on
// a pipe; the parent kills it with SIGKILL mid-stream. Every reported write must
// be readable afterwards, and the file must be intact.
TEST(Durability, CommittedWritesSurviveKillMinus9) {
  TempDir dir;
  {
    auto s = openIn(dir);
    ASSERT_TRUE(s->accounts().create("juliet", "example.org", credentials()).has_value());
  }
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    Limits limits;
    limits.offlinePerUser = 1'000'000;
    auto opened = openSqlite(testing::optionsIn(dir, limits));
    if (!opened) ::_exit(2);
    Storage& s = **opened;
    for (std::uint32_t i = 0;; ++i) {
      const std::string stanza = "<message id='" + std::to_string(i) + "'/>";
      if (!s.offline().store("juliet", "example.org", stanza, base::SystemTime{}).has_value()) {
        ::_exit(3);
      }
      RosterItem item;
      item.jid = "c" + std::to_string(i) + "@x.example";
      if (!s.roster().upsert("juliet", "example.org", item).has_value()) ::_exit(4);
      if (::write(fds[1], &i, sizeof i) != sizeof i) ::_exit(5);
    }
  }
  ::close(fds[1]);
  std::uint32_t acked = 0;
  std::uint32_t got = 0;
  std::size_t count = 0;
  while (count < 300 && ::read(fds[0], &got, sizeof got) == sizeof got) {
    acked = got + 1;
    ++count;
  }
  ASSERT_EQ(count, 300U) << "the child stopped writing early";
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  // Acks written before the kill are still in the pipe.
  while (::read(fds[0], &got, sizeof got) == sizeof got) acked = got + 1;
  ::close(fds[0]);

  EXPECT_EQ(integrityCheck(dir.path() / "keyfed.db"), "ok");
  auto s = openIn(dir);
  auto messages = s->offline().take("juliet", "example.org");
  ASSERT_TRUE(messages.has_value());
  // Every acknowledged write is there; at most one more (committed, not yet acked).
  ASSERT_GE(messages->size(), acked);
  ASSERT_LE(messages->size(), acked + 1);
  for (std::size_t i = 0; i < messages->size(); ++i) {
    EXPECT_EQ((*messages)[i].stanza, "<message id='" + std::to_string(i) + "'/>");
  }
  auto roster = s->roster().get("juliet", "example.org");
  EXPECT_GE(roster->items.size(), acked);
  EXPECT_EQ(roster->version, roster->items.size());
}

TEST(Durability, DatabaseFileIsPrivate) {
  TempDir dir;
  auto s = openIn(dir);
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "keyfed.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
}

TEST(Durability, FileThatIsNotADatabaseIsRefused) {
  TempDir dir;
  {
    std::ofstream out(dir.path() / "keyfed.db", std::ios::binary);
    out << std::string(4096, 'x');
  }
  auto r = openSqlite(testing::optionsIn(dir));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kIo);
  // And the file was not overwritten.
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "keyfed.db"), 4096U);
}

TEST(Durability, AnotherApplicationsDatabaseIsRefused) {
  TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "keyfed.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE songs (title TEXT)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto r = openSqlite(testing::optionsIn(dir));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kSchema);
}

TEST(Durability, MissingDirectoryIsAnError) {
  TempDir dir;
  SqliteOptions o = testing::optionsIn(dir);
  o.path = dir.path() / "no" / "such" / "keyfed.db";
  auto r = openSqlite(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kIo);
  EXPECT_NE(r.error().message.find("no/such/keyfed.db"), std::string::npos);
}

TEST(Durability, BadOptionsAreRefused) {
  TempDir dir;
  SqliteOptions o = testing::optionsIn(dir);
  o.connections = 0;
  EXPECT_EQ(openSqlite(o).error().code, errc::kInvalid);
  o.connections = 1;
  o.path.clear();
  EXPECT_EQ(openSqlite(o).error().code, errc::kInvalid);
}

}  // namespace
}  // namespace keyfed::storage
