// The [muc] section: defaults, values, and what the loader refuses.
#include <gtest/gtest.h>

#include "keyfed/modules/muc_config.hpp"

namespace keyfed::modules {
namespace {

base::Result<config::Config> load(std::string_view muc) {
  config::SectionRegistry registry;
  EXPECT_TRUE(registerMucConfig(registry));
  // Top-level arrays first: after [server] they would belong to it.
  std::string text =
      "virtual_host = [{ domain = \"a.test\", certificate = \"\", key = \"\" }]\n"
      "listener = [{ type = \"c2s\", port = 0 }]\n"
      "c2s = { require_tls = false }\n"
      "[server]\ndata_dir = \"data\"\n";
  text += muc;
  return config::loadConfigFromString(text, "/tmp/keyfed.toml", registry);
}

TEST(MucConfig, OffByDefaultWithDocumentedLimits) {
  auto config = load("");
  ASSERT_TRUE(config) << config.error().message;
  const MucConfig c = mucConfig(*config);
  EXPECT_FALSE(c.enabled);
  EXPECT_TRUE(c.domain.empty());
  EXPECT_TRUE(c.creators.empty());
  EXPECT_EQ(c.maxRooms, 1000U);
  EXPECT_EQ(c.maxOccupants, 200U);
  EXPECT_EQ(c.maxHistory, 50U);
  EXPECT_EQ(c.defaultHistory, 20U);
  EXPECT_EQ(c.maxNickBytes, 64U);
}

TEST(MucConfig, ReadsEveryKey) {
  auto config = load(
      "[muc]\nenabled = true\ndomain = \"rooms.a.test\"\ncreators = [\"alice@a.test\"]\n"
      "max_rooms = 5\nmax_occupants = 6\nmax_history = 7\ndefault_history = 9\n"
      "max_nick_length = 10\n");
  ASSERT_TRUE(config) << config.error().message;
  const MucConfig c = mucConfig(*config);
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.domain, "rooms.a.test");
  EXPECT_EQ(c.creators, (std::vector<std::string>{"alice@a.test"}));
  EXPECT_EQ(c.maxRooms, 5U);
  EXPECT_EQ(c.maxOccupants, 6U);
  EXPECT_EQ(c.maxHistory, 7U);
  EXPECT_EQ(c.defaultHistory, 7U);  // never more than max_history
  EXPECT_EQ(c.maxNickBytes, 10U);
}

TEST(MucConfig, RefusesBadValuesAndUnknownKeys) {
  for (std::string_view bad : {"domain = \"room@a.test\"", "max_occupants = 0",
                               "max_nick_length = 5000", "enable = true"}) {
    auto config = load("[muc]\n" + std::string(bad) + "\n");
    ASSERT_FALSE(config) << bad;
    // Refused for the [muc] key, not for something else in the file.
    EXPECT_NE(config.error().message.find("muc."), std::string::npos) << config.error().message;
  }
}

}  // namespace
}  // namespace keyfed::modules
