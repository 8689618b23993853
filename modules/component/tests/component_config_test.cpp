// [[component]]: what is accepted, and every refusal with its file, line and key.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "keyfed/config/config.hpp"
#include "keyfed/modules/component_config.hpp"

namespace keyfed::modules {
namespace {

using namespace std::chrono_literals;

// The configuration every case starts from: a host, a c2s and a component listener.
std::string base() {
  return R"([[virtual_host]]
domain = "example.org"
[[listener]]
type = "c2s"
[[listener]]
type = "component"
)";
}

constexpr std::string_view kSecret = "0123456789abcdef-secret";

config::SectionRegistry registry() {
  config::SectionRegistry r;
  EXPECT_TRUE(registerComponentConfig(r).has_value());
  return r;
}

config::LoadOutcome parse(const std::string& text,
                          const std::filesystem::path& file = "/etc/k.toml") {
  return config::parseConfigText(text, file, registry());
}

// The one problem of a refused file, as "line:column: key: message".
std::string onlyProblem(const std::string& text) {
  auto outcome = parse(text);
  if (outcome.problems.size() != 1) return "problems: " + std::to_string(outcome.problems.size());
  const auto& p = outcome.problems[0];
  return std::to_string(p.line) + ":" + p.key + ": " + p.message;
}

TEST(ComponentConfig, EntriesAreRead) {
  auto outcome = parse(base() + R"([[component]]
domain = "Gateway.Example.org"
secret = "0123456789abcdef-secret"
name = "IRC gateway"
idle_timeout = 120
[[component]]
domain = "bot.example.org"
secret = "another secret, long enough"
)");
  ASSERT_TRUE(outcome.config.has_value()) << outcome.problems.front().format();
  const auto& entries = componentEntries(*outcome.config);
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].domain, "gateway.example.org");
  EXPECT_EQ(entries[0].secret, kSecret);
  EXPECT_EQ(entries[0].name, "IRC gateway");
  EXPECT_EQ(entries[0].idleTimeout, 120s);
  EXPECT_EQ(entries[1].domain, "bot.example.org");
  EXPECT_EQ(entries[1].idleTimeout, 0s) << "0: [limits] c2s_idle_timeout";
}

TEST(ComponentConfig, NoEntriesIsFine) {
  auto outcome = parse(base());
  ASSERT_TRUE(outcome.config.has_value());
  EXPECT_TRUE(componentEntries(*outcome.config).empty());
}

TEST(ComponentConfig, AVirtualHostsDomainIsRefused) {
  EXPECT_EQ(onlyProblem(base() + "[[component]]\ndomain = \"EXAMPLE.org\"\nsecret = \"" +
                        std::string(kSecret) + "\"\n"),
            "8:component[0].domain: example.org is a virtual host: a component needs a domain "
            "of its own");
}

TEST(ComponentConfig, TheSameDomainTwiceIsRefused) {
  const std::string entry =
      "[[component]]\ndomain = \"gw.example.org\"\nsecret = \"" + std::string(kSecret) + "\"\n";
  EXPECT_EQ(onlyProblem(base() + entry + entry),
            "11:component[1].domain: gw.example.org is the domain of another [[component]]");
}

TEST(ComponentConfig, DomainMustBeADomain) {
  EXPECT_EQ(onlyProblem(base() + "[[component]]\nsecret = \"" + std::string(kSecret) + "\"\n"),
            "7:component[0]: domain is required");
  EXPECT_EQ(onlyProblem(base() + "[[component]]\ndomain = \"bot@gw.example.org\"\nsecret = \"" +
                        std::string(kSecret) + "\"\n"),
            "8:component[0].domain: \"bot@gw.example.org\" is not a domain name");
}

TEST(ComponentConfig, ExactlyOneSecretOfEnoughBytes) {
  EXPECT_EQ(onlyProblem(base() + "[[component]]\ndomain = \"gw.example.org\"\n"),
            "7:component[0]: give exactly one of secret and secret_file");
  EXPECT_EQ(onlyProblem(base() + "[[component]]\ndomain = \"gw.example.org\"\nsecret = \"" +
                        std::string(kSecret) + "\"\nsecret_file = \"s\"\n"),
            "10:component[0].secret_file: give exactly one of secret and secret_file");
  EXPECT_EQ(
      onlyProblem(base() + "[[component]]\ndomain = \"gw.example.org\"\nsecret = \"short\"\n"),
      "9:component[0].secret: the secret must have 16 to 1024 bytes (found 5)");
}

TEST(ComponentConfig, ComponentsNeedAComponentListener) {
  const std::string text = R"([[virtual_host]]
domain = "example.org"
[[listener]]
type = "c2s"
[[component]]
domain = "gw.example.org"
secret = "0123456789abcdef-secret"
)";
  auto outcome = parse(text);
  ASSERT_EQ(outcome.problems.size(), 1U);
  EXPECT_EQ(outcome.problems[0].key, "component[0]");
  EXPECT_EQ(outcome.problems[0].code, "config.missing");
}

class SecretFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "keyfed-component-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& content, mode_t mode) {
    auto file = dir_ / "secret";
    std::ofstream(file) << content;
    ::chmod(file.c_str(), mode);
    return file;
  }
  config::LoadOutcome load() {
    return parse(base() + "[[component]]\ndomain = \"gw.example.org\"\nsecret_file = \"secret\"\n",
                 dir_ / "keyfed.toml");
  }

  std::filesystem::path dir_;
};

TEST_F(SecretFile, FirstLineOfAPrivateFileIsTheSecret) {
  write(std::string(kSecret) + "\nignored\n", 0600);
  auto outcome = load();
  ASSERT_TRUE(outcome.config.has_value()) << outcome.problems.front().format();
  EXPECT_EQ(componentEntries(*outcome.config).at(0).secret, kSecret);
}

TEST_F(SecretFile, AFileOthersCanReadIsRefused) {
  write(std::string(kSecret) + "\n", 0644);
  auto outcome = load();
  ASSERT_EQ(outcome.problems.size(), 1U);
  EXPECT_EQ(outcome.problems[0].key, "component[0].secret_file");
  EXPECT_NE(outcome.problems[0].message.find("chmod 600"), std::string::npos);
}

TEST_F(SecretFile, AMissingFileIsRefused) {
  auto outcome = load();
  ASSERT_EQ(outcome.problems.size(), 1U);
  EXPECT_EQ(outcome.problems[0].key, "component[0].secret_file");
}

}  // namespace
}  // namespace keyfed::modules
