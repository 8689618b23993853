// Uploaded files on disk: stored whole or not at all, found again after a
// restart, expired by age, counted per user.
#include "file_store.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "upload_path.hpp"

namespace keyfed::modules::upload {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("keyfed-upload-" + newToken());
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::unique_ptr<FileStore> open() {
    auto store = FileStore::open(dir / "files");
    EXPECT_TRUE(store) << store.error().describe();
    return store ? std::move(*store) : nullptr;
  }
  static StoredFile file(std::string owner, std::uint64_t size, base::SystemTime created) {
    return StoredFile{std::move(owner), "a.txt", "text/plain", size, created};
  }

  fs::path dir;
  const base::SystemTime t0{std::chrono::seconds{1'700'000'000}};
};

TEST_F(FileStoreTest, AStoredFileIsReadBackAndSurvivesAReopen) {
  const std::string token = newToken();
  {
    auto store = open();
    ASSERT_TRUE(store->put(token, file("alice@example.test", 5, t0), "hello"));
    EXPECT_EQ(store->usage("alice@example.test"), 5U);
    EXPECT_FALSE(store->put(token, file("alice@example.test", 5, t0), "again"))
        << "a token is used once";
  }
  auto store = open();
  const StoredFile* found = store->find(token);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->owner, "alice@example.test");
  EXPECT_EQ(found->contentType, "text/plain");
  EXPECT_EQ(found->created, t0);
  auto bytes = store->read(token);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, "hello");
  EXPECT_EQ(store->usage("alice@example.test"), 5U);
  EXPECT_EQ((fs::status(dir / "files").permissions() & fs::perms::all), fs::perms::owner_all);
}

TEST_F(FileStoreTest, WhatACrashLeftHalfWrittenIsRemovedOnOpen) {
  const std::string whole = newToken();
  const std::string noMeta = newToken();
  const std::string truncated = newToken();
  {
    auto store = open();
    ASSERT_TRUE(store->put(whole, file("alice@example.test", 3, t0), "abc"));
    ASSERT_TRUE(store->put(truncated, file("alice@example.test", 3, t0), "xyz"));
  }
  std::ofstream(dir / "files" / noMeta) << "bytes without a record";
  std::ofstream(dir / "files" / (newToken() + ".tmp")) << "a record never renamed";
  fs::resize_file(dir / "files" / truncated, 1);
  auto store = open();
  EXPECT_NE(store->find(whole), nullptr);
  EXPECT_EQ(store->find(noMeta), nullptr);
  EXPECT_EQ(store->find(truncated), nullptr);
  EXPECT_EQ(store->count(), 1U);
  EXPECT_EQ(store->usage("alice@example.test"), 3U);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "files")) ++entries;
  EXPECT_EQ(entries, 2U) << "one file and its record";
}

TEST_F(FileStoreTest, ExpiryRemovesOlderFilesAndGivesTheirQuotaBack) {
  auto store = open();
  const std::string old = newToken();
  const std::string young = newToken();
  ASSERT_TRUE(store->put(old, file("alice@example.test", 4, t0), "1234"));
  ASSERT_TRUE(store->put(young, file("alice@example.test", 2, t0 + 1h), "12"));
  EXPECT_EQ(store->usage("alice@example.test"), 6U);
  EXPECT_EQ(store->removeCreatedBefore(t0 + 30min), 1U);
  EXPECT_EQ(store->find(old), nullptr);
  EXPECT_FALSE(fs::exists(dir / "files" / old));
  EXPECT_NE(store->find(young), nullptr);
  EXPECT_EQ(store->usage("alice@example.test"), 2U);
}

TEST(UploadMeta, RefusesRecordsThatAreNotOnes) {
  StoredFile f{"alice@example.test", "a b.txt", "", 7, base::SystemTime{std::chrono::seconds{9}}};
  auto parsed = parseMeta(formatMeta(f));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->filename, "a b.txt");
  EXPECT_EQ(parsed->size, 7U);
  EXPECT_FALSE(parseMeta(""));
  EXPECT_FALSE(parseMeta("keyfed-upload 1\nowner=a@b\nsize=x\ncreated=1\nname=a\n"));
  EXPECT_FALSE(parseMeta("keyfed-upload 1\nowner=a@b\nsize=1\ncreated=1\n"));  // no name
  EXPECT_FALSE(parseMeta("keyfed-upload 1\nowner=a@b\nsize=1\ncreated=1\nname=../x\n"));
  EXPECT_FALSE(parseMeta(std::string(5000, 'k')));
}

}  // namespace
}  // namespace keyfed::modules::upload
