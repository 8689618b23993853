#pragma once
// Test helpers: a temporary directory per test, and a storage opened in it.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "keyfed/storage/sqlite/sqlite_storage.hpp"

namespace keyfed::storage::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("keyfed-storage-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline SqliteOptions optionsIn(const TempDir& dir, Limits limits = {}) {
  SqliteOptions o;
  o.path = dir.path() / "keyfed.db";
  o.limits = limits;
  o.connections = 2;
  return o;
}

inline std::unique_ptr<Storage> openIn(const TempDir& dir, Limits limits = {}) {
  auto r = openSqlite(optionsIn(dir, limits));
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().describe());
  return r ? std::move(*r) : nullptr;
}

// Distinct, well-formed SCRAM credentials; `seed` makes them differ.
inline Credentials credentials(std::uint8_t seed = 1) {
  Credentials c;
  c.sha1.salt = Bytes(16, seed);
  c.sha1.iterations = 4096;
  c.sha1.storedKey = Bytes(20, static_cast<std::uint8_t>(seed + 1));
  c.sha1.serverKey = Bytes(20, static_cast<std::uint8_t>(seed + 2));
  c.sha256.salt = Bytes(16, static_cast<std::uint8_t>(seed + 3));
  c.sha256.iterations = 8192;
  c.sha256.storedKey = Bytes(32, static_cast<std::uint8_t>(seed + 4));
  c.sha256.serverKey = Bytes(32, static_cast<std::uint8_t>(seed + 5));
  return c;
}

// A storage in a temp dir with accounts juliet@example.org and romeo@example.org.
class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage_ = openIn(dir_);
    ASSERT_NE(storage_, nullptr);
    ASSERT_TRUE(storage_->accounts().create("juliet", "example.org", credentials(1)).has_value());
    ASSERT_TRUE(storage_->accounts().create("romeo", "example.org", credentials(2)).has_value());
  }

  TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

}  // namespace keyfed::storage::testing
