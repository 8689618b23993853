// Request attributes -> KeyNote action attributes -> the changes a grant makes.

#include "attributes.hpp"

#include <gtest/gtest.h>

namespace keyfed::agent {
namespace {

using namespace std::chrono_literals;

constexpr base::SystemTime kNoon = base::fromUnixSeconds(1'700'000'000);  // 2023-11-14 22:13:20 UTC

Request ask(std::map<std::string, std::string> attributes) {
  Request r;
  r.target = "target.test";
  r.attributes = std::move(attributes);
  return r;
}

TEST(Attributes, TheAgentSetsDateTimeAndDomains) {
  AgentConfig config;
  auto a = actionAttributes(ask({{"App_domain", "XMPP"}}), "alice.test", kNoon, config);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->at("Date"), "20231114");
  EXPECT_EQ(a->at("GMTTimeOfDay"), "20231114221320");
  EXPECT_EQ(a->at("Target_Domain"), "target.test");
  EXPECT_EQ(a->at("Origin_Domain"), "alice.test");
  EXPECT_EQ(a->at("ValidityPeriod"), "3600");  // the configured default
  EXPECT_EQ(askedValidity(*a), 3600s);
}

TEST(Attributes, RequestersCannotSetTheAgentsAttributes) {
  AgentConfig config;
  EXPECT_EQ(actionAttributes(ask({{"Date", "20100115"}}), "", kNoon, config).error().code,
            errc::kAttributes);
  EXPECT_EQ(actionAttributes(ask({{"ValidityPeriod", "-5"}}), "", kNoon, config).error().code,
            errc::kAttributes);
  EXPECT_EQ(actionAttributes(ask({{"ValidityPeriod", "0"}}), "", kNoon, config).error().code,
            errc::kAttributes);
  EXPECT_TRUE(actionAttributes(ask({{"ValidityPeriod", "60"}}), "", kNoon, config).has_value());
}

template <class T>
const T& ruleAt(const Effects& e, std::size_t i) {
  return std::get<T>(e.rules.at(i));
}

TEST(Attributes, AWhitelistRequestNamesAnAddressOrADomain) {
  auto e = effectsOf({{"Request_Type", "whitelist"}, {"Server_IP_Address", "127.0.40.55"}});
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(e->rules.size(), 1U);
  EXPECT_EQ(ruleAt<policy::WhitelistRule>(*e, 0).address, "127.0.40.55");
  EXPECT_FALSE(ruleAt<policy::WhitelistRule>(*e, 0).restricted);

  auto level = effectsOf({{"Request_Type", "whitelist"},
                          {"Server_Domain", "Alice.Test"},
                          {"Authentication", "secure"}});
  ASSERT_TRUE(level.has_value());
  EXPECT_EQ(ruleAt<policy::WhitelistRule>(*level, 0).domain, "alice.test");
  EXPECT_EQ(ruleAt<policy::WhitelistRule>(*level, 0).minimumLevel, policy::TrustLevel::secure);

  EXPECT_EQ(effectsOf({{"Request_Type", "whitelist"}}).error().code, errc::kUnsupported);
  EXPECT_EQ(
      effectsOf({{"Request_Type", "whitelist"}, {"Server_IP_Address", "nowhere"}}).error().code,
      errc::kUnsupported);
  EXPECT_EQ(effectsOf({{"Server_IP_Address", "127.0.40.55"}}).error().code, errc::kUnsupported);
}

// Paper III.D: Bob's request narrows the whitelist to his messages.
TEST(Attributes, UserNameAndPacketTypeMakeARestrictedWhitelist) {
  auto e = effectsOf({{"Request_Type", "whitelist"},
                      {"Server_IP_Address", "127.0.40.55"},
                      {"Server_Domain", "alice.test"},
                      {"UserName", "Bob"},
                      {"PacketType", "message"}});
  ASSERT_TRUE(e.has_value()) << e.error().message;
  ASSERT_EQ(e->rules.size(), 3U);
  EXPECT_TRUE(ruleAt<policy::WhitelistRule>(*e, 0).restricted);
  const auto& in = ruleAt<policy::PacketRule>(*e, 1);
  EXPECT_EQ(in.action, policy::FilterAction::pass);
  EXPECT_EQ(in.stanzaKind, "message");
  EXPECT_EQ(in.source.value, "bob@alice.test");  // prepared
  EXPECT_EQ(ruleAt<policy::PacketRule>(*e, 2).destination.value, "bob@alice.test");
  // Without a domain there is no JID to name.
  EXPECT_EQ(effectsOf({{"Request_Type", "whitelist"},
                       {"Server_IP_Address", "127.0.40.55"},
                       {"UserName", "Bob"}})
                .error()
                .code,
            errc::kUnsupported);
}

TEST(Attributes, FilterAndAuthenticationRequests) {
  auto drop = effectsOf({{"Request_Type", "packet_filter"},
                         {"Server_Domain", "alice.test"},
                         {"UserName", "spammer"},
                         {"Filter_Action", "drop"},
                         {"GroupName", "staff"}});
  ASSERT_TRUE(drop.has_value()) << drop.error().message;
  ASSERT_EQ(drop->rules.size(), 1U);
  EXPECT_EQ(ruleAt<policy::PacketRule>(*drop, 0).action, policy::FilterAction::drop);
  EXPECT_EQ(ruleAt<policy::PacketRule>(*drop, 0).destination.value, "staff");

  auto content = effectsOf({{"Request_Type", "content_filter"}, {"Content_Filter", "(?i)viagra"}});
  ASSERT_TRUE(content.has_value());
  EXPECT_EQ(ruleAt<policy::ContentRule>(*content, 0).action, policy::ContentAction::mask);
  EXPECT_EQ(
      effectsOf({{"Request_Type", "content_filter"}, {"Content_Filter", "(a)\\1"}}).error().code,
      errc::kUnsupported);

  auto auth = effectsOf({{"Request_Type", "authentication"},
                         {"Server_Domain", "alice.test"},
                         {"Authentication", "trusted"}});
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(ruleAt<policy::AuthenticationRule>(*auth, 0).minimum, policy::TrustLevel::trusted);
  EXPECT_EQ(effectsOf({{"Request_Type", "authentication"},
                       {"Server_Domain", "alice.test"},
                       {"Authentication", "dialback"}})
                .error()
                .code,
            errc::kUnsupported);
}

TEST(Attributes, AnotherApplicationDomainChangesNothingHere) {
  auto e = effectsOf({{"App_domain", "ERP"}, {"Request_Type", "whitelist"}});
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->rules.empty());
  EXPECT_NE(e->note.find("ERP"), std::string::npos);
}

}  // namespace
}  // namespace keyfed::agent
