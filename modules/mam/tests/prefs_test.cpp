// XEP-0313 preferences: parsing, serializing, and the decision per message.
#include <gtest/gtest.h>

#include "keyfed/archive/namespaces.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "prefs.hpp"

namespace keyfed::modules::mam {
namespace {

using archive::kMamNs;
using storage::ArchiveDefault;
using storage::ArchivePrefs;

xml::Element prefsWith(std::string_view mode, std::vector<std::string> always,
                       std::vector<std::string> never) {
  xml::Element p("prefs", std::string(kMamNs));
  if (!mode.empty()) p.setAttr("default", mode);
  for (const auto& [name, list] : {std::pair{"always", &always}, std::pair{"never", &never}}) {
    auto& el = p.addChild(name, std::string(kMamNs));
    for (const auto& jid : *list) el.addChild("jid", std::string(kMamNs)).addText(jid);
  }
  return p;
}

TEST(PrefsTest, ParsesPreparesSortsAndDeduplicates) {
  auto parsed = parsePrefs(
      prefsWith("roster", {"Zed@Example.org", "amy@example.org", "zed@example.org"}, {"x@y.z"}),
      100);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(parsed->defaultMode, ArchiveDefault::roster);
  EXPECT_EQ(parsed->always, (std::vector<std::string>{"amy@example.org", "zed@example.org"}));
  EXPECT_EQ(parsed->never, std::vector<std::string>{"x@y.z"});
}

TEST(PrefsTest, RefusesBadInput) {
  EXPECT_FALSE(parsePrefs(prefsWith("", {}, {}), 10));
  EXPECT_FALSE(parsePrefs(prefsWith("sometimes", {}, {}), 10));
  EXPECT_FALSE(parsePrefs(prefsWith("always", {"@@bad"}, {}), 10));
  EXPECT_FALSE(parsePrefs(prefsWith("always", {"a@b.c", "d@e.f", "g@h.i"}, {}), 2));
}

TEST(PrefsTest, ElementRoundTrips) {
  ArchivePrefs prefs;
  prefs.defaultMode = ArchiveDefault::never;
  prefs.always = {"a@example.org"};
  prefs.never = {"b@example.org", "c@example.org/phone"};
  auto back = parsePrefs(prefsElement(prefs), 10);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, prefs);
}

TEST(PrefsTest, NeverWinsOverAlwaysWhichWinsOverTheDefault) {
  ArchivePrefs prefs;
  prefs.defaultMode = ArchiveDefault::never;
  prefs.always = {"friend@example.org", "twice@example.org"};
  prefs.never = {"twice@example.org", "x@example.org/bot"};
  const auto noRoster = [] { return false; };
  EXPECT_TRUE(prefsAllow(prefs, "friend@example.org", "friend@example.org/phone", noRoster));
  EXPECT_FALSE(prefsAllow(prefs, "twice@example.org", "twice@example.org", noRoster));
  EXPECT_FALSE(prefsAllow(prefs, "stranger@example.org", "stranger@example.org", noRoster));
  prefs.defaultMode = ArchiveDefault::always;
  EXPECT_TRUE(prefsAllow(prefs, "stranger@example.org", "stranger@example.org", noRoster));
  EXPECT_FALSE(prefsAllow(prefs, "x@example.org", "x@example.org/bot", noRoster));
  EXPECT_TRUE(prefsAllow(prefs, "x@example.org", "x@example.org/phone", noRoster));
}

TEST(PrefsTest, RosterDefaultAsksTheRosterOnlyWhenNeeded) {
  ArchivePrefs prefs;
  prefs.defaultMode = ArchiveDefault::roster;
  prefs.always = {"listed@example.org"};
  int asked = 0;
  EXPECT_TRUE(prefsAllow(prefs, "listed@example.org", "listed@example.org", [&] {
    ++asked;
    return false;
  }));
  EXPECT_EQ(asked, 0);
  EXPECT_TRUE(prefsAllow(prefs, "contact@example.org", "contact@example.org", [] { return true; }));
  EXPECT_FALSE(prefsAllow(prefs, "other@example.org", "other@example.org", [] { return false; }));
}

}  // namespace
}  // namespace keyfed::modules::mam
