// Opening the storage named by the configuration.

#include "keyfed/storage/open.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace keyfed::storage {
namespace {

namespace fs = std::filesystem;

config::Config configIn(const fs::path& dir, const std::string& extra = {}) {
  auto r = config::loadConfigFromString(extra + R"(
[limits]
offline_per_user = 2
[[virtual_host]]
domain = "example.org"
[[listener]]
port = 0
)",
                                        dir / "keyfed.toml");
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? *r : config::Config{};
}

class FactoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("keyfed-factory-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(FactoryTest, OptionsComeFromTheConfig) {
  auto cfg = configIn(dir_, "[storage]\nconnections = 3\nbusy_timeout = 7\n");
  SqliteOptions o = sqliteOptionsFrom(cfg);
  EXPECT_EQ(o.path, dir_ / "data" / "keyfed.db");
  EXPECT_EQ(o.connections, 3U);
  EXPECT_EQ(o.busyTimeout, std::chrono::milliseconds{7000});
  EXPECT_EQ(o.limits.offlinePerUser, 2U);
}

TEST_F(FactoryTest, OpensSqliteInAPrivateDataDirectory) {
  auto cfg = configIn(dir_);
  auto s = openStorage(cfg);
  ASSERT_TRUE(s.has_value()) << s.error().describe();
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);
  EXPECT_TRUE(fs::exists(dir_ / "data" / "keyfed.db"));

  // The configured offline cap is enforced.
  Credentials c;
  c.sha1 = {Bytes(16, 1), 4096, Bytes(20, 2), Bytes(20, 3)};
  c.sha256 = {Bytes(16, 4), 4096, Bytes(32, 5), Bytes(32, 6)};
  ASSERT_TRUE((*s)->accounts().create("juliet", "example.org", c).has_value());
  EXPECT_TRUE((*s)->offline().store("juliet", "example.org", "<m/>", {}).has_value());
  EXPECT_TRUE((*s)->offline().store("juliet", "example.org", "<m/>", {}).has_value());
  EXPECT_EQ((*s)->offline().store("juliet", "example.org", "<m/>", {}).error().code, errc::kQuota);
}

TEST_F(FactoryTest, PostgresIsNotBuiltIn) {
  auto cfg = configIn(dir_, "[storage]\nbackend = \"postgres\"\nurl = \"postgresql://x\"\n");
  auto s = openStorage(cfg);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, errc::kIo);
}

}  // namespace
}  // namespace keyfed::storage
