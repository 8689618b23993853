#include "keyfed/policy/static_decider.hpp"

#include <gtest/gtest.h>

namespace keyfed::policy {
namespace {

PeerFacts peer(std::string domain, TrustLevel level, std::string address = "192.0.2.7") {
  PeerFacts f;
  f.localDomain = "a.test";
  f.peerDomain = std::move(domain);
  f.address = std::move(address);
  switch (level) {
    case TrustLevel::pinned: f.pinMatched = true; [[fallthrough]];
    case TrustLevel::trusted:
      f.tls = true;
      f.certificate = {true, true, true, false, "ab", ""};
      break;
    case TrustLevel::secure:
      f.tls = true;
      f.dialbackVerified = true;
      break;
    case TrustLevel::verified: f.dialbackVerified = true; break;
    case TrustLevel::none: break;
  }
  return f;
}

TEST(TrustLadder, EvidenceMapsToTheRungItReaches) {
  EXPECT_EQ(peer("b.test", TrustLevel::none).level(), TrustLevel::none);
  EXPECT_EQ(peer("b.test", TrustLevel::verified).level(), TrustLevel::verified);
  EXPECT_EQ(peer("b.test", TrustLevel::secure).level(), TrustLevel::secure);
  EXPECT_EQ(peer("b.test", TrustLevel::trusted).level(), TrustLevel::trusted);
  EXPECT_EQ(peer("b.test", TrustLevel::pinned).level(), TrustLevel::pinned);

  auto wrongName = peer("b.test", TrustLevel::trusted);
  wrongName.certificate.matchesDomain = false;
  EXPECT_EQ(wrongName.level(), TrustLevel::none) << "a certificate for another name proves nothing";
  wrongName.dialbackVerified = true;
  EXPECT_EQ(wrongName.level(), TrustLevel::secure);
  auto expired = peer("b.test", TrustLevel::trusted);
  expired.certificate.expired = true;
  EXPECT_LT(expired.level(), TrustLevel::trusted);
}

TEST(StaticDecider, RefusesPeersBelowTheRequiredLevelWithAReason) {
  StaticPolicy policy;
  policy.minimumLevel = TrustLevel::trusted;
  policy.allowDomains = {"b.test"};
  StaticDecider decider(policy);
  auto d = decider.decideStream(peer("b.test", TrustLevel::secure));
  EXPECT_EQ(d.verdict, Verdict::deny);
  EXPECT_EQ(d.reason, "b.test reaches 'secure', 'trusted' is required");
  EXPECT_TRUE(decider.decideStream(peer("b.test", TrustLevel::trusted)).allowed());
}

TEST(StaticDecider, PerDomainExceptionsOverrideTheMinimum) {
  StaticPolicy policy;
  policy.minimumLevel = TrustLevel::trusted;
  policy.levelFor["legacy.test"] = TrustLevel::verified;
  policy.levelFor["*.defence.test"] = TrustLevel::pinned;
  policy.allowDomains = {"legacy.test", "*.defence.test"};
  StaticDecider decider(policy);
  EXPECT_TRUE(decider.decideStream(peer("legacy.test", TrustLevel::verified)).allowed());
  EXPECT_EQ(decider.decideStream(peer("hq.defence.test", TrustLevel::trusted)).verdict,
            Verdict::deny);
  EXPECT_TRUE(decider.decideStream(peer("hq.defence.test", TrustLevel::pinned)).allowed());
}

TEST(StaticDecider, DenyListsWinAndUnlistedPeersAbstain) {
  StaticPolicy policy;
  policy.minimumLevel = TrustLevel::verified;
  policy.allowDomains = {"*.partner.test"};
  policy.denyDomains = {"bad.partner.test"};
  policy.denyNetworks = {"198.51.100.0/24"};
  StaticDecider decider(policy);
  EXPECT_EQ(decider.decideStream(peer("bad.partner.test", TrustLevel::pinned)).verdict,
            Verdict::deny);
  EXPECT_EQ(
      decider.decideStream(peer("ok.partner.test", TrustLevel::pinned, "198.51.100.9")).verdict,
      Verdict::deny);
  EXPECT_TRUE(decider.decideStream(peer("ok.partner.test", TrustLevel::trusted)).allowed());
  EXPECT_EQ(decider.decideStream(peer("stranger.test", TrustLevel::pinned)).verdict,
            Verdict::abstain);
}

TEST(StaticDecider, AllowByAddressRange) {
  StaticPolicy policy;
  policy.minimumLevel = TrustLevel::verified;
  policy.allowNetworks = {"127.0.40.0/24", "::1/128"};
  StaticDecider decider(policy);
  EXPECT_TRUE(decider.decideStream(peer("x.test", TrustLevel::verified, "127.0.40.51")).allowed());
  EXPECT_TRUE(decider.decideStream(peer("x.test", TrustLevel::verified, "::1")).allowed());
  EXPECT_EQ(decider.decideStream(peer("x.test", TrustLevel::verified, "127.0.41.1")).verdict,
            Verdict::abstain);
}

TEST(StaticDecider, PromiscuousOnlyWhenNamed) {
  StaticPolicy policy;
  policy.promiscuous = true;
  policy.allowDomains = {"*.test"};
  EXPECT_TRUE(StaticDecider(policy).decideStream(peer("b.test", TrustLevel::none)).allowed());
}

TEST(DomainPatterns, WildcardsMatchSubdomainsOnly) {
  EXPECT_TRUE(domainMatches("example.com", "EXAMPLE.com"));
  EXPECT_TRUE(domainMatches("*.example.com", "a.example.com"));
  EXPECT_TRUE(domainMatches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(domainMatches("*.example.com", "example.com"));
  EXPECT_FALSE(domainMatches("*.example.com", "badexample.com"));
}

TEST(AddressRanges, Ipv4Ipv6AndMalformedInput) {
  EXPECT_TRUE(addressInNetwork("10.1.2.3", "10.0.0.0/8"));
  EXPECT_FALSE(addressInNetwork("11.1.2.3", "10.0.0.0/8"));
  EXPECT_TRUE(addressInNetwork("10.1.2.3", "10.1.2.3"));
  EXPECT_TRUE(addressInNetwork("2001:db8::1", "2001:db8::/32"));
  EXPECT_FALSE(addressInNetwork("2001:db9::1", "2001:db8::/32"));
  EXPECT_FALSE(addressInNetwork("10.1.2.3", "2001:db8::/32"));
  EXPECT_FALSE(addressInNetwork("not-an-ip", "10.0.0.0/8"));
  EXPECT_FALSE(addressInNetwork("10.1.2.3", "10.0.0.0/33"));
  EXPECT_TRUE(addressInNetwork("10.1.2.3", "0.0.0.0/0"));
  EXPECT_FALSE(validateNetwork("10.0.0.0/x").has_value());
  EXPECT_TRUE(validateNetwork("::/0").has_value());
}

}  // namespace
}  // namespace keyfed::policy
