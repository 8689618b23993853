#include <gtest/gtest.h>

#include "keyfed/config/config.hpp"
#include "keyfed/config/minimal_config.hpp"
#include "keyfed/modules/s2s_config.hpp"

namespace keyfed::modules {
namespace {

base::Result<config::Config> load(const std::string& s2s) {
  config::SectionRegistry registry;
  registerS2sConfig(registry);
  return config::loadConfigFromString(config::minimalConfigText() + s2s, "/tmp/keyfed.toml",
                                      registry);
}

TEST(S2sConfig, DefaultsAreClosedAndTrusted) {
  auto config = load("");
  ASSERT_TRUE(config) << config.error().message;
  const auto* s2s = config->section<S2sConfig>("s2s");
  ASSERT_NE(s2s, nullptr);
  EXPECT_TRUE(s2s->requireTls);
  EXPECT_EQ(s2s->minimumLevel, policy::TrustLevel::trusted);
  EXPECT_FALSE(s2s->defaultAllow);
  EXPECT_FALSE(s2s->promiscuous);
  EXPECT_TRUE(s2s->dialbackSecret.empty());
  EXPECT_EQ(s2s->connectTimeout, std::chrono::seconds(10));
}

TEST(S2sConfig, RedirectsAreFollowedTwiceAndFallBackByDefault) {
  auto config = load("");
  ASSERT_TRUE(config) << config.error().message;
  const auto* s2s = config->section<S2sConfig>("s2s");
  ASSERT_NE(s2s, nullptr);
  EXPECT_EQ(s2s->redirect.maxRedirects, 2U);
  EXPECT_TRUE(s2s->redirect.redirectors.empty());
  EXPECT_TRUE(s2s->redirect.fallback);
}

TEST(S2sConfig, ReadsTheRedirectTable) {
  auto config = load(R"(
[s2s.redirect]
max_redirects = 1
redirectors = ["CH.test"]
fallback = "fail_closed"
)");
  ASSERT_TRUE(config) << config.error().message;
  const auto* s2s = config->section<S2sConfig>("s2s");
  ASSERT_NE(s2s, nullptr);
  EXPECT_EQ(s2s->redirect.maxRedirects, 1U);
  EXPECT_EQ(s2s->redirect.redirectors, std::vector<std::string>{"ch.test"});
  EXPECT_FALSE(s2s->redirect.fallback);
  for (const char* bad :
       {"[s2s.redirect]\nmax_redirects = 11\n", "[s2s.redirect]\nfallback = \"maybe\"\n",
        "[s2s.redirect]\nredirectors = [\"*.ch.test\"]\n",
        "[s2s.redirect]\nredirectors = [\"not a domain\"]\n"}) {
    EXPECT_FALSE(load(bad)) << bad;
  }
}

TEST(S2sConfig, ReadsPeersRoutesAndLists) {
  auto config = load(R"(
[s2s]
minimum_level = "secure"
default = "allow"
deny_domains = ["evil.test", "*.spam.test"]
allow_networks = ["127.0.0.0/8"]
dialback_secret = "s3cret"
bytes_per_second = 100000
[[s2s.peer]]
domain = "b.test"
level = "pinned"
pin_sha256 = ["AB00000000000000000000000000000000000000000000000000000000000000"]
[[s2s.peer]]
domain = "*.example.org"
level = "verified"
[[s2s.route]]
domain = "b.test"
address = "127.0.0.2:5270"
direct_tls = true
[[s2s.route]]
domain = "c.test"
address = "[::1]"
[[s2s.source]]
domain = "a.test"
address = "127.0.40.55"
)");
  ASSERT_TRUE(config) << config.error().message;
  const auto& s2s = *config->section<S2sConfig>("s2s");
  EXPECT_EQ(s2s.minimumLevel, policy::TrustLevel::secure);
  EXPECT_TRUE(s2s.defaultAllow);
  EXPECT_EQ(s2s.levelFor("b.test"), policy::TrustLevel::pinned);
  EXPECT_EQ(s2s.levelFor("muc.example.org"), policy::TrustLevel::verified);
  EXPECT_EQ(s2s.levelFor("c.test"), policy::TrustLevel::secure);
  EXPECT_TRUE(
      s2s.pinned("b.test", "ab00000000000000000000000000000000000000000000000000000000000000"));
  EXPECT_FALSE(
      s2s.pinned("c.test", "ab00000000000000000000000000000000000000000000000000000000000000"));
  ASSERT_EQ(s2s.routes.size(), 2U);
  EXPECT_EQ(s2s.routes[0].host, "127.0.0.2");
  EXPECT_EQ(s2s.routes[0].port, 5270);
  EXPECT_TRUE(s2s.routes[0].directTls);
  EXPECT_EQ(s2s.routes[1].host, "::1");
  EXPECT_EQ(s2s.routes[1].port, 5269);
  EXPECT_EQ(s2s.bytesPerSecond, 100000U);
  ASSERT_EQ(s2s.sources.size(), 1U);
  EXPECT_EQ(s2s.sources[0].domain, "a.test");
  EXPECT_EQ(s2s.sources[0].address, "127.0.40.55");
  EXPECT_TRUE(s2s.sourceAddress.empty());
}

TEST(S2sConfig, RefusesWhatCannotWork) {
  for (const char* bad : {
           "[s2s]\nminimum_level = \"none\"\n",
           "[s2s]\ndefault = \"maybe\"\n",
           "[s2s]\nallow_networks = [\"10.0.0.0/33\"]\n",
           "[s2s]\ndeny_domains = [\"bad domain\"]\n",
           "[s2s]\ndns_servers = [\"dns.example\"]\n",
           "[[s2s.route]]\ndomain = \"b.test\"\naddress = \"127.0.0.1:99999\"\n",
           "[[s2s.route]]\naddress = \"127.0.0.1:5269\"\n",
           "[[s2s.peer]]\ndomain = \"b.test\"\npin_sha256 = [\"abc\"]\n",
           "[s2s]\nunknown_key = 1\n",
           "[s2s]\nsource_address = \"alice.test\"\n",
           "[[s2s.source]]\ndomain = \"a.test\"\naddress = \"300.0.0.1\"\n",
           "[[s2s.source]]\naddress = \"127.0.0.1\"\n",
       }) {
    auto config = load(bad);
    EXPECT_FALSE(config) << bad;
  }
}

}  // namespace
}  // namespace keyfed::modules
