// The rules of the live policy: their stored form and its checks.

#include "keyfed/policy/live_rules.hpp"

#include <gtest/gtest.h>

namespace keyfed::policy {
namespace {

using storage::PolicyEntryKind;

template <class T>
T roundTrip(const T& rule) {
  auto parsed = parseRule(kindOf(rule), toSpec(rule));
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message);
  return std::get<T>(*parsed);
}

TEST(LiveRules, EveryKindSurvivesItsStoredForm) {
  WhitelistRule w{"alice.test", "127.0.40.55", true, TrustLevel::secure};
  auto w2 = roundTrip(w);
  EXPECT_EQ(w2.domain, "alice.test");
  EXPECT_EQ(w2.address, "127.0.40.55");
  EXPECT_TRUE(w2.restricted);
  EXPECT_EQ(w2.minimumLevel, TrustLevel::secure);

  PacketRule p;
  p.action = FilterAction::reject;
  p.stanzaKind = "message";
  p.messageType = "chat";
  p.source = {PartyKind::user, "bob@alice.test"};
  p.destination = {PartyKind::group, "staff"};
  p.log = true;
  auto p2 = roundTrip(p);
  EXPECT_EQ(p2.action, FilterAction::reject);
  EXPECT_EQ(p2.messageType, "chat");
  EXPECT_EQ(p2.source.value, "bob@alice.test");
  EXPECT_EQ(p2.destination.kind, PartyKind::group);
  EXPECT_TRUE(p2.log);

  ContentRule c{"*.alice.test", "(?i)secret", ContentAction::mask, "[censored]"};
  auto c2 = roundTrip(c);
  EXPECT_EQ(c2.pattern, "(?i)secret");
  EXPECT_EQ(c2.replacement, "[censored]");

  AuthenticationRule a{"alice.test", TrustLevel::trusted};
  EXPECT_EQ(roundTrip(a).minimum, TrustLevel::trusted);
  EXPECT_EQ(describe(Rule(a)), "authentication alice.test level>=trusted");
}

TEST(LiveRules, MalformedSpecsAreRefused) {
  EXPECT_FALSE(parseRule(PolicyEntryKind::whitelist, "not json").has_value());
  EXPECT_FALSE(parseRule(PolicyEntryKind::whitelist, "{}").has_value());  // nothing to match
  EXPECT_FALSE(parseRule(PolicyEntryKind::whitelist, R"({"address":"10.0.0.0/33"})").has_value());
  EXPECT_FALSE(parseRule(PolicyEntryKind::whitelist, R"({"domain":"a.test","x":1})").has_value());
  EXPECT_FALSE(parseRule(PolicyEntryKind::packetFilter, R"({"action":"allow"})").has_value());
  EXPECT_FALSE(
      parseRule(PolicyEntryKind::packetFilter, R"({"source":{"type":"user","value":"bob"}})")
          .has_value());
  EXPECT_FALSE(parseRule(PolicyEntryKind::contentFilter, R"({"pattern":"(a"})").has_value());
  EXPECT_FALSE(parseRule(PolicyEntryKind::contentFilter, R"({"pattern":"(a)\\1"})").has_value());
  EXPECT_FALSE(parseRule(PolicyEntryKind::contentFilter, R"({"pattern":"a","replacement":"\\0"})")
                   .has_value());
  EXPECT_FALSE(
      parseRule(PolicyEntryKind::authentication, R"({"domain":"a.test","minimum_level":"x"})")
          .has_value());
  EXPECT_TRUE(parseRule(PolicyEntryKind::whitelist, R"({"address":"127.0.40.0/24"})").has_value());
}

}  // namespace
}  // namespace keyfed::policy
