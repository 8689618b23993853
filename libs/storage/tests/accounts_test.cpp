// Accounts: SCRAM credentials only, and removal takes everything the user owns.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::credentials;
using testing::StorageTest;
using namespace std::chrono_literals;

using AccountsTest = StorageTest;

TEST_F(AccountsTest, CreatedAccountExistsWithItsCredentials) {
  auto& accounts = storage_->accounts();
  EXPECT_TRUE(*accounts.exists("juliet", "example.org"));
  auto creds = accounts.credentials("juliet", "example.org");
  ASSERT_TRUE(creds.has_value()) << creds.error().describe();
  EXPECT_EQ(*creds, credentials(1));
  EXPECT_EQ(creds->sha1.iterations, 4096U);
  EXPECT_EQ(creds->sha256.storedKey.size(), 32U);
}

TEST_F(AccountsTest, CreatingTwiceIsAConflict) {
  auto r = storage_->accounts().create("juliet", "example.org", credentials(9));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kConflict);
  EXPECT_EQ(*storage_->accounts().credentials("juliet", "example.org"), credentials(1));
}

TEST_F(AccountsTest, SameLocalpartOnAnotherHostIsAnotherAccount) {
  auto& accounts = storage_->accounts();
  EXPECT_FALSE(*accounts.exists("juliet", "example.net"));
  ASSERT_TRUE(accounts.create("juliet", "example.net", credentials(7)).has_value());
  EXPECT_EQ(*accounts.credentials("juliet", "example.net"), credentials(7));
  EXPECT_EQ(*accounts.credentials("juliet", "example.org"), credentials(1));
}

TEST_F(AccountsTest, KeysAreComparedExactly) {
  // Preparation (case folding) is the caller's job; storage never guesses.
  EXPECT_FALSE(*storage_->accounts().exists("Juliet", "example.org"));
  EXPECT_FALSE(*storage_->accounts().exists("juliet", "EXAMPLE.org"));
}

TEST_F(AccountsTest, PasswordChangeReplacesBothCredentials) {
  auto& accounts = storage_->accounts();
  ASSERT_TRUE(accounts.setCredentials("juliet", "example.org", credentials(50)).has_value());
  EXPECT_EQ(*accounts.credentials("juliet", "example.org"), credentials(50));
  EXPECT_EQ(*accounts.credentials("romeo", "example.org"), credentials(2));
}

TEST_F(AccountsTest, UnknownAccountIsNotFound) {
  auto& accounts = storage_->accounts();
  EXPECT_EQ(accounts.credentials("tybalt", "example.org").error().code, errc::kNotFound);
  EXPECT_EQ(accounts.setCredentials("tybalt", "example.org", credentials()).error().code,
            errc::kNotFound);
  EXPECT_EQ(accounts.remove("tybalt", "example.org").error().code, errc::kNotFound);
  EXPECT_FALSE(*accounts.exists("tybalt", "example.org"));
}

TEST_F(AccountsTest, ListAndCountPerHost) {
  auto& accounts = storage_->accounts();
  ASSERT_TRUE(accounts.create("benvolio", "example.org", credentials()).has_value());
  ASSERT_TRUE(accounts.create("nurse", "example.net", credentials()).has_value());
  EXPECT_EQ(*accounts.list("example.org"),
            (std::vector<std::string>{"benvolio", "juliet", "romeo"}));
  EXPECT_EQ(*accounts.list("example.net"), (std::vector<std::string>{"nurse"}));
  EXPECT_TRUE(accounts.list("example.com")->empty());
  EXPECT_EQ(*accounts.count("example.org"), 3U);
  EXPECT_EQ(*accounts.count("example.net"), 1U);
  EXPECT_EQ(*accounts.count("example.com"), 0U);
}

TEST_F(AccountsTest, RemoveTakesEverythingTheUserOwns) {
  const std::string u = "juliet";
  const std::string h = "example.org";
  RosterItem item;
  item.jid = "romeo@example.org";
  item.groups = {"Friends"};
  ASSERT_TRUE(storage_->roster().upsert(u, h, item).has_value());
  ASSERT_TRUE(storage_->offline().store(u, h, "<message/>", base::SystemTime{100s}).has_value());
  ASSERT_TRUE(storage_->vcards().set(u, h, "<vCard xmlns='vcard-temp'/>").has_value());
  const std::vector<std::string> blocked = {"tybalt@example.org"};
  ASSERT_TRUE(storage_->blocklist().add(u, h, blocked).has_value());
  ASSERT_TRUE(storage_->privateData().put(u, h, "storage:bookmarks", "k", "v").has_value());

  ASSERT_TRUE(storage_->accounts().remove(u, h).has_value());
  EXPECT_FALSE(*storage_->accounts().exists(u, h));

  // Re-created with the same name, the account starts empty.
  ASSERT_TRUE(storage_->accounts().create(u, h, credentials(3)).has_value());
  EXPECT_TRUE(storage_->roster().get(u, h)->items.empty());
  EXPECT_EQ(*storage_->offline().count(u, h), 0U);
  EXPECT_FALSE(storage_->vcards().get(u, h)->has_value());
  EXPECT_TRUE(storage_->blocklist().list(u, h)->empty());
  EXPECT_FALSE(storage_->privateData().get(u, h, "storage:bookmarks", "k")->has_value());
  // Romeo's data is untouched.
  EXPECT_TRUE(*storage_->accounts().exists("romeo", h));
}

TEST_F(AccountsTest, MalformedCredentialsAreRefused) {
  auto& accounts = storage_->accounts();
  auto expectInvalid = [&](const Credentials& c) {
    auto r = accounts.create("mercutio", "example.org", c);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::kInvalid) << r.error().message;
    EXPECT_FALSE(*accounts.exists("mercutio", "example.org"));
  };
  Credentials c = credentials();
  c.sha1.storedKey.resize(32);  // SHA-1 keys are 20 bytes
  expectInvalid(c);
  c = credentials();
  c.sha256.serverKey.resize(20);
  expectInvalid(c);
  c = credentials();
  c.sha1.salt.clear();
  expectInvalid(c);
  c = credentials();
  c.sha256.salt.assign(2000, 1);
  expectInvalid(c);
  c = credentials();
  c.sha256.iterations = 0;
  expectInvalid(c);
  c = credentials();
  c.sha1.iterations = 20'000'000;
  expectInvalid(c);
  EXPECT_EQ(accounts.setCredentials("juliet", "example.org", Credentials{}).error().code,
            errc::kInvalid);
}

TEST_F(AccountsTest, MalformedNamesAreRefused) {
  auto& accounts = storage_->accounts();
  for (const std::string& user :
       {std::string(), std::string(1024, 'a'), std::string("a\0b", 3), std::string("a\nb"),
        std::string("\xC3\x28"), std::string("\xED\xA0\x80")}) {
    auto r = accounts.create(user, "example.org", credentials());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::kInvalid);
    EXPECT_EQ(accounts.exists(user, "example.org").error().code, errc::kInvalid);
  }
  EXPECT_EQ(accounts.create("a", "", credentials()).error().code, errc::kInvalid);
  EXPECT_EQ(accounts.list(std::string(2000, 'h')).error().code, errc::kInvalid);
  // Non-ASCII UTF-8 is fine.
  EXPECT_TRUE(accounts.create("j\xC3\xBCliet", "example.org", credentials()).has_value());
  EXPECT_TRUE(*accounts.exists("j\xC3\xBCliet", "example.org"));
}

}  // namespace
}  // namespace keyfed::storage
