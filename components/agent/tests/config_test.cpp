// The [agent] section: defaults, policy files read at load, checks.

#include "keyfed/agent/config.hpp"
#include "keyfed/config/minimal_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "keyfed/config/config.hpp"

namespace keyfed::agent {
namespace {

using namespace std::chrono_literals;

class AgentConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("keyfed-agent-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "policy");
    ASSERT_TRUE(registerAgentConfig(registry_).has_value());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  base::Result<config::Config> load(const std::string& section) {
    return config::loadConfigFromString(config::minimalConfigText("target.test") + section,
                                        dir_ / "keyfed.toml", registry_);
  }

  std::filesystem::path dir_;
  config::SectionRegistry registry_;
};

TEST_F(AgentConfigTest, AbsentSectionMeansADisabledAgent) {
  auto c = load("");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const auto* agent = c->section<AgentConfig>("agent");
  ASSERT_NE(agent, nullptr);
  EXPECT_FALSE(agent->enabled);
  EXPECT_EQ(agent->complianceValues, (std::vector<std::string>{"false", "true"}));
  EXPECT_EQ(agent->maxValidity, 86400s);
}

TEST_F(AgentConfigTest, PolicyFilesAreReadRelativeToTheConfig) {
  write("policy/a.kn",
        "Authorizer: \"POLICY\"\nLicensees: \"admin\"\nConditions: App_domain == \"XMPP\";\n\n"
        "# a second assertion in the same file\nAuthorizer: \"POLICY\"\nLicensees: \"other\"\n");
  auto c = load(R"(
[agent]
enabled = true
policy_files = ["policy/a.kn"]
compliance_values = ["false", "hour", "true"]
max_validity = 7200
[[agent.validity]]
value = "hour"
seconds = 3600
[[agent.group]]
name = "staff"
members = ["Boss@target.test"]
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const auto* agent = c->section<AgentConfig>("agent");
  ASSERT_NE(agent, nullptr);
  EXPECT_TRUE(agent->enabled);
  EXPECT_EQ(agent->policyFiles.at(0), dir_ / "policy/a.kn");
  EXPECT_EQ(agent->policyAssertions.size(), 2U);
  EXPECT_EQ(agent->boundFor("hour"), 3600s);
  EXPECT_EQ(agent->boundFor("true"), 7200s);
  EXPECT_TRUE(agent->isMember("staff", "boss@target.test"));  // prepared
  EXPECT_FALSE(agent->isMember("staff", "carol@target.test"));
}

TEST_F(AgentConfigTest, ABrokenOrMissingPolicyIsAConfigError) {
  auto missing = load("[agent]\nenabled = true\n");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("policy_files"), std::string::npos);

  write("policy/bad.kn", "Authorizer: \"POLICY\"\nConditions: a == ;\n");
  auto bad = load("[agent]\nenabled = true\npolicy_files = [\"policy/bad.kn\"]\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("bad.kn:2:"), std::string::npos) << bad.error().message;

  auto absent = load("[agent]\nenabled = true\npolicy_files = [\"policy/none.kn\"]\n");
  ASSERT_FALSE(absent.has_value());
  EXPECT_NE(absent.error().message.find("none.kn"), std::string::npos);
}

TEST_F(AgentConfigTest, ValuesAndBoundsAreChecked) {
  write("policy/a.kn", "Authorizer: \"POLICY\"\n");
  const std::string files = "enabled = true\npolicy_files = [\"policy/a.kn\"]\n";
  EXPECT_FALSE(load("[agent]\n" + files + "compliance_values = [\"only\"]\n").has_value());
  EXPECT_FALSE(load("[agent]\n" + files + "compliance_values = [\"a\", \"a\"]\n").has_value());
  EXPECT_FALSE(load("[agent]\n" + files + "[[agent.validity]]\nvalue = \"false\"\nseconds = 10\n")
                   .has_value());
  EXPECT_FALSE(
      load("[agent]\n" + files + "[[agent.group]]\nname = \"g\"\nmembers = [\"x\"]\n").has_value());
  EXPECT_FALSE(load("[agent]\n" + files + "unknown = 1\n").has_value());
  EXPECT_TRUE(load("[agent]\n" + files).has_value());
}

}  // namespace
}  // namespace keyfed::agent
