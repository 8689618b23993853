// The [clearinghouse] and [clearinghouse_member] sections: keys and policy
// files read at load, and what is refused.

#include "keyfed/clearinghouse/config.hpp"
#include "keyfed/config/minimal_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "keyfed/config/config.hpp"
#include "test_support.hpp"

namespace keyfed::clearinghouse {
namespace {

using namespace std::chrono_literals;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("keyfed-clearinghouse-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(registerClearinghouseConfig(registry_).has_value());
    write("ch.key", "\"" + testing::key("ch").privateKey + "\"\n");
    write("ch.pub", "\"" + testing::key("ch").publicKey + "\"\n");
    write("levels.kn", testing::minimumLevelPolicy(3));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  base::Result<config::Config> load(const std::string& section) {
    return config::loadConfigFromString(config::minimalConfigText("m1.test") + section,
                                        dir_ / "keyfed.toml", registry_);
  }

  std::filesystem::path dir_;
  config::SectionRegistry registry_;
};

TEST_F(ConfigTest, AbsentSectionsMeanNeitherRole) {
  auto c = load("");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const auto* role = c->section<ClearinghouseConfig>(kSectionName);
  EXPECT_TRUE(role == nullptr || !role->enabled);
  const auto* member = c->section<MemberConfig>(kMemberSectionName);
  EXPECT_TRUE(member == nullptr || !member->enabled);
}

TEST_F(ConfigTest, TheClearinghouseKeyIsReadAndItsPublicHalfDerived) {
  auto c = load(
      "[clearinghouse]\nenabled = true\njid = \"m1.test\"\n"
      "private_key_file = \"ch.key\"\ndocument_validity = 600\n");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const auto* role = c->section<ClearinghouseConfig>(kSectionName);
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->publicKey, testing::key("ch").publicKey);
  EXPECT_EQ(role->documentValidity, 600s);
  EXPECT_FALSE(role->redirect);
  EXPECT_EQ(role->redirectMinimumLevel, 1);
}

TEST_F(ConfigTest, RedirectionModeIsReadAndItsLevelChecked) {
  const std::string role =
      "[clearinghouse]\nenabled = true\njid = \"m1.test\"\nprivate_key_file = \"ch.key\"\n";
  auto c = load(role + "redirect = true\nredirect_minimum_level = 3\n");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const auto* read = c->section<ClearinghouseConfig>(kSectionName);
  ASSERT_NE(read, nullptr);
  EXPECT_TRUE(read->redirect);
  EXPECT_EQ(read->redirectMinimumLevel, 3);
  auto bad = load(role + "redirect = true\nredirect_minimum_level = 1001\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("redirect_minimum_level"), std::string::npos)
      << bad.error().message;
}

TEST_F(ConfigTest, AMemberReadsTheKeyFileAndItsPolicy) {
  auto c = load(
      "[clearinghouse_member]\nenabled = true\nclearinghouse = \"ch.test\"\n"
      "public_key_file = \"ch.pub\"\nstale = \"keep_last_and_warn\"\n"
      "policy_files = [\"levels.kn\"]\n");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const auto* member = c->section<MemberConfig>(kMemberSectionName);
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(member->publicKey, testing::key("ch").publicKey);
  EXPECT_EQ(member->stale, StaleMode::keepLastAndWarn);
  EXPECT_EQ(member->policyAssertions.size(), 1U);
}

TEST_F(ConfigTest, MissingOrBadPiecesAreNamed) {
  auto noKey = load("[clearinghouse]\nenabled = true\njid = \"m1.test\"\n");
  ASSERT_FALSE(noKey.has_value());
  EXPECT_NE(noKey.error().message.find("private_key_file"), std::string::npos);
  write("bad.kn", "Authorizer: POLICY\nConditions: (((\n");
  auto badPolicy = load(
      "[clearinghouse_member]\nenabled = true\nclearinghouse = \"ch.test\"\n"
      "public_key = \"" +
      testing::key("ch").publicKey + "\"\npolicy_files = [\"bad.kn\"]\n");
  ASSERT_FALSE(badPolicy.has_value());
  EXPECT_NE(badPolicy.error().message.find("bad.kn"), std::string::npos);
  auto noPublicKey = load(
      "[clearinghouse_member]\nenabled = true\nclearinghouse = \"ch.test\"\n"
      "policy_files = [\"levels.kn\"]\n");
  ASSERT_FALSE(noPublicKey.has_value());
  EXPECT_NE(noPublicKey.error().message.find("public_key"), std::string::npos);
  auto badStale = load(
      "[clearinghouse_member]\nenabled = true\nclearinghouse = \"ch.test\"\n"
      "public_key = \"" +
      testing::key("ch").publicKey + "\"\npolicy_files = [\"levels.kn\"]\nstale = \"maybe\"\n");
  EXPECT_FALSE(badStale.has_value());
}

TEST_F(ConfigTest, TheBootstrapUrlMustBeHttpsToAnIpLiteral) {
  const std::string member =
      "[clearinghouse_member]\nenabled = true\nclearinghouse = \"ch.test\"\n"
      "public_key_file = \"ch.pub\"\npolicy_files = [\"levels.kn\"]\n";
  auto c = load(member +
                "bootstrap_url = \"https://127.0.60.1:5443/.well-known/keyfed/"
                "clearinghouse-table\"\nbootstrap_timeout = 20\nbootstrap_max_bytes = 2048\n");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const auto* read = c->section<MemberConfig>(kMemberSectionName);
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->bootstrapTimeout, 20s);
  EXPECT_EQ(read->bootstrapConnectTimeout, 5s);
  EXPECT_EQ(read->bootstrapMaxBytes, 2048U);
  for (const char* bad : {"https://ch.test/", "http://127.0.0.1/", "https://127.0.0.1:0/"}) {
    auto refused = load(member + "bootstrap_url = \"" + bad + "\"\n");
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_NE(refused.error().message.find("bootstrap_url"), std::string::npos)
        << refused.error().message;
  }
  auto slow = load(member +
                   "bootstrap_url = \"https://127.0.0.1/\"\nbootstrap_connect_timeout = 30\n"
                   "bootstrap_timeout = 10\n");
  ASSERT_FALSE(slow.has_value());
  EXPECT_NE(slow.error().message.find("bootstrap_connect_timeout"), std::string::npos);
  auto huge = load(member + "bootstrap_max_bytes = 8388608\n");
  ASSERT_FALSE(huge.has_value()) << "above the 4 MiB document limit";
}

}  // namespace
}  // namespace keyfed::clearinghouse
