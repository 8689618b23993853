// Sections owned by later components, registered instead of edited into the loader.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "keyfed/config/config.hpp"

namespace keyfed::config {
namespace {

using namespace std::chrono_literals;

const char* const kBase = R"(
[[virtual_host]]
domain = "example.org"
[[listener]]
type = "s2s"
)";

struct S2sSection {
  std::chrono::seconds dialbackTimeout{30};
  bool requireTls = true;
  std::vector<std::string> whitelist;
  std::string cacheDir;
  std::size_t peerCount = 0;
};

SectionRegistry s2sRegistry() {
  SectionRegistry reg;
  auto added = reg.add("s2s", [](TableReader& t) -> std::any {
    S2sSection s;
    s.dialbackTimeout = t.seconds("dialback_timeout", s.dialbackTimeout, 1s, 3600s);
    s.requireTls = t.boolean("require_tls", s.requireTls);
    s.whitelist = t.strings("whitelist", {});
    s.cacheDir = t.path("cache_dir", "cache").string();
    if (auto limits = t.table("limits")) limits->integer("max_peers", 10, 1, 100);
    s.peerCount = t.tables("peer").size();
    for (TableReader p : t.tables("peer")) {
      if (!p.has("domain")) p.error("", "config.missing", "domain is required");
      p.string("domain", "");
    }
    return s;
  });
  EXPECT_TRUE(added.has_value());
  return reg;
}

TEST(ConfigSections, RegisteredSectionIsParsedByItsOwner) {
  auto r = loadConfigFromString(std::string(kBase) + R"(
[s2s]
dialback_timeout = 45
require_tls = false
whitelist = ["a.example", "b.example"]
cache_dir = "s2s-cache"
[s2s.limits]
max_peers = 50
[[s2s.peer]]
domain = "c.example"
)",
                                "/etc/keyfed/k.toml", s2sRegistry());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto* s2s = r->section<S2sSection>("s2s");
  ASSERT_NE(s2s, nullptr);
  EXPECT_EQ(s2s->dialbackTimeout, 45s);
  EXPECT_FALSE(s2s->requireTls);
  EXPECT_EQ(s2s->whitelist, (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_EQ(s2s->cacheDir, "/etc/keyfed/s2s-cache");
  EXPECT_EQ(s2s->peerCount, 1U);
  EXPECT_EQ(r->section<int>("s2s"), nullptr);  // wrong type asked: nothing
  EXPECT_EQ(r->section<S2sSection>("policy"), nullptr);
}

TEST(ConfigSections, AbsentRegisteredSectionGetsDefaults) {
  auto r = loadConfigFromString(kBase, "/etc/k.toml", s2sRegistry());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto* s2s = r->section<S2sSection>("s2s");
  ASSERT_NE(s2s, nullptr);
  EXPECT_EQ(s2s->dialbackTimeout, 30s);
  EXPECT_TRUE(s2s->requireTls);
  EXPECT_EQ(s2s->cacheDir, "/etc/cache");
}

TEST(ConfigSections, UnregisteredSectionIsRefused) {
  auto outcome = parseConfigText(std::string(kBase) + "[s2s]\ndialback_timeout = 45\n",
                                 "/etc/k.toml", SectionRegistry{});
  ASSERT_EQ(outcome.problems.size(), 1U);
  EXPECT_EQ(outcome.problems[0].code, "config.unknown-section");
  EXPECT_EQ(outcome.problems[0].key, "s2s");
  EXPECT_EQ(outcome.problems[0].line, 6U);
}

TEST(ConfigSections, KeysTheOwnerDidNotReadAreUnknown) {
  auto outcome = parseConfigText(std::string(kBase) + R"(
[s2s]
dialback_timout = 45
[s2s.limits]
max_peer = 5
[[s2s.peer]]
domian = "c.example"
)",
                                 "/etc/k.toml", s2sRegistry());
  ASSERT_EQ(outcome.problems.size(), 4U);
  EXPECT_EQ(outcome.problems[0].format(), "/etc/k.toml:8:1: s2s.dialback_timout: unknown key");
  EXPECT_EQ(outcome.problems[1].format(), "/etc/k.toml:10:1: s2s.limits.max_peer: unknown key");
  EXPECT_EQ(outcome.problems[2].format(), "/etc/k.toml:11:1: s2s.peer[0]: domain is required");
  EXPECT_EQ(outcome.problems[3].format(), "/etc/k.toml:12:1: s2s.peer[0].domian: unknown key");
}

TEST(ConfigSections, OwnerErrorsCarryPositions) {
  auto outcome = parseConfigText(std::string(kBase) + "[s2s]\ndialback_timeout = 0\n",
                                 "/etc/k.toml", s2sRegistry());
  ASSERT_EQ(outcome.problems.size(), 1U);
  EXPECT_EQ(outcome.problems[0].format(),
            "/etc/k.toml:7:20: s2s.dialback_timeout: must be between 1 and 3600, found 0");
  EXPECT_FALSE(outcome.config.has_value());
}

TEST(ConfigSections, ThrowingParserBecomesAProblem) {
  SectionRegistry reg;
  ASSERT_TRUE(reg.add("agent", [](TableReader&) -> std::any { throw std::runtime_error("boom"); })
                  .has_value());
  auto r = loadConfigFromString(kBase, "/etc/k.toml", reg);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("section parser failed: boom"), std::string::npos);
}

TEST(ConfigSections, RegistryRefusesBadNames) {
  SectionRegistry reg;
  auto parser = [](TableReader&) -> std::any { return 0; };
  EXPECT_FALSE(reg.add("server", parser).has_value());        // built in
  EXPECT_FALSE(reg.add("virtual_host", parser).has_value());  // built in
  EXPECT_FALSE(reg.add("", parser).has_value());
  EXPECT_FALSE(reg.add("S2S", parser).has_value());
  EXPECT_FALSE(reg.add("a.b", parser).has_value());
  EXPECT_FALSE(reg.add("policy", nullptr).has_value());
  EXPECT_TRUE(reg.add("policy", parser).has_value());
  auto again = reg.add("policy", parser);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, "config.registry");
  EXPECT_NE(reg.find("policy"), nullptr);
  EXPECT_EQ(reg.find("mam"), nullptr);
}

// [[gateway]] entries, checked against the virtual hosts the loader read first.
SectionRegistry gatewayRegistry() {
  SectionRegistry reg;
  auto added = reg.addArray(
      "gateway",
      [](std::vector<TableReader>& entries, const Config& config) -> std::any {
        std::vector<std::string> domains;
        for (TableReader& e : entries) {
          auto domain = e.string("domain", "");
          if (config.findHost(domain) != nullptr) {
            e.error("domain", "config.duplicate", "is a virtual host");
          }
          domains.push_back(std::move(domain));
        }
        return domains;
      },
      2);
  EXPECT_TRUE(added.has_value());
  return reg;
}

TEST(ConfigSections, ArrayEntriesAreParsedWithTheLoadersSectionsAtHand) {
  auto r = loadConfigFromString(std::string(kBase) + R"(
[[gateway]]
domain = "irc.example.org"
[[gateway]]
domain = "sms.example.org"
)",
                                "/etc/k.toml", gatewayRegistry());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const auto* domains = r->section<std::vector<std::string>>("gateway");
  ASSERT_NE(domains, nullptr);
  EXPECT_EQ(*domains, (std::vector<std::string>{"irc.example.org", "sms.example.org"}));

  auto absent = loadConfigFromString(kBase, "/etc/k.toml", gatewayRegistry());
  ASSERT_TRUE(absent.has_value());
  EXPECT_TRUE(absent->section<std::vector<std::string>>("gateway")->empty());
}

TEST(ConfigSections, ArrayEntryProblemsNameTheEntry) {
  auto outcome = parseConfigText(std::string(kBase) + R"(
[[gateway]]
domain = "irc.example.org"
[[gateway]]
domain = "example.org"
)",
                                 "/etc/k.toml", gatewayRegistry());
  ASSERT_EQ(outcome.problems.size(), 1U);
  EXPECT_EQ(outcome.problems[0].format(),
            "/etc/k.toml:10:10: gateway[1].domain: is a virtual host");
}

TEST(ConfigSections, ArrayWithTooManyEntriesOrOfTheWrongTypeIsRefused) {
  auto tooMany = parseConfigText(std::string(kBase) + "[[gateway]]\n[[gateway]]\n[[gateway]]\n",
                                 "/etc/k.toml", gatewayRegistry());
  ASSERT_EQ(tooMany.problems.size(), 1U);
  EXPECT_EQ(tooMany.problems[0].code, "config.range");
  auto table = parseConfigText(std::string(kBase) + "[gateway]\ndomain = \"a.example\"\n",
                               "/etc/k.toml", gatewayRegistry());
  ASSERT_EQ(table.problems.size(), 1U);
  EXPECT_EQ(table.problems[0].key, "gateway");
}

TEST(ConfigSections, ArrayNamesShareTheSectionNamespace) {
  SectionRegistry reg;
  auto table = [](TableReader&) -> std::any { return 0; };
  auto array = [](std::vector<TableReader>&, const Config&) -> std::any { return 0; };
  EXPECT_FALSE(reg.addArray("listener", array).has_value());  // built in
  EXPECT_TRUE(reg.add("gateway", table).has_value());
  EXPECT_FALSE(reg.addArray("gateway", array).has_value());
  EXPECT_TRUE(reg.addArray("bridge", array).has_value());
  EXPECT_FALSE(reg.add("bridge", table).has_value());
  EXPECT_FALSE(reg.addArray("relay", nullptr).has_value());
}

}  // namespace
}  // namespace keyfed::config
