// The live policy: decisions of the keynote-whitelist decider, persistence,
// expiry.

#include "keyfed/policy/live_policy.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "keyfed/storage/sqlite/sqlite_storage.hpp"

namespace keyfed::policy {
namespace {

using namespace std::chrono_literals;

constexpr base::SystemTime kT0 = base::fromUnixSeconds(1'700'000'000);

class LivePolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("keyfed-live-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    reopen();
  }
  void TearDown() override {
    live_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  void reopen() {
    live_.reset();
    storage_.reset();
    storage::SqliteOptions o;
    o.path = dir_ / "keyfed.db";
    o.connections = 1;
    auto opened = storage::openSqlite(o);
    ASSERT_TRUE(opened.has_value());
    storage_ = std::move(*opened);
    live_ = std::make_shared<LivePolicy>(storage_->policyEntries());
    ASSERT_TRUE(live_->load().has_value());
  }
  std::vector<storage::PolicyEntry> grant(std::vector<Rule> rules,
                                          std::optional<base::SystemTime> expires = {}) {
    Provenance p{"request", "req-1", "ed25519-hex:aa", kT0, expires};
    auto added = live_->add(rules, p);
    EXPECT_TRUE(added.has_value()) << (added ? "" : added.error().message);
    return added ? *added : std::vector<storage::PolicyEntry>{};
  }
  static PeerFacts peer(std::string domain, std::string address, base::SystemTime now = kT0 + 1s) {
    PeerFacts f;
    f.peerDomain = std::move(domain);
    f.address = std::move(address);
    f.dialbackVerified = true;
    f.now = now;
    return f;
  }
  static StanzaFacts stanza(std::string kind, std::string from, std::string to,
                            Direction direction = Direction::inbound) {
    StanzaFacts f;
    f.direction = direction;
    f.kind = std::move(kind);
    f.from = std::move(from);
    f.to = std::move(to);
    auto domain = [](const std::string& jid) {
      auto bare = jid.substr(0, jid.find('/'));
      auto at = bare.find('@');
      return at == std::string::npos ? bare : bare.substr(at + 1);
    };
    f.peerDomain = domain(direction == Direction::inbound ? f.from : f.to);
    f.localDomain = domain(direction == Direction::inbound ? f.to : f.from);
    f.peerAddress = direction == Direction::inbound ? "127.0.40.55" : "";
    f.now = kT0 + 1s;
    return f;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Storage> storage_;
  std::shared_ptr<LivePolicy> live_;
};

TEST_F(LivePolicyTest, WhitelistByAddressPatternAllowsOnlyMatchingPeers) {
  grant({WhitelistRule{"", "127.0.40.55", false, std::nullopt}});
  LiveDecider decider(live_);
  EXPECT_TRUE(decider.decideStream(peer("alice.test", "127.0.40.55")).allowed());
  EXPECT_EQ(decider.decideStream(peer("alice.test", "127.0.40.56")).verdict, Verdict::abstain);
  grant({WhitelistRule{"carol.test", "127.0.40.0/24", false, std::nullopt}});
  EXPECT_TRUE(decider.decideStream(peer("carol.test", "127.0.40.99")).allowed());
  EXPECT_EQ(decider.decideStream(peer("dave.test", "127.0.41.99")).verdict, Verdict::abstain);
  EXPECT_EQ(decider.decideStream(peer("mallory.test", "127.0.40.99")).verdict, Verdict::abstain);
}

TEST_F(LivePolicyTest, ExpiredEntriesNoLongerCountEvenBeforeTheyAreRemoved) {
  grant({WhitelistRule{"alice.test", "", false, std::nullopt}}, kT0 + 60s);
  EXPECT_TRUE(live_->decideStream(peer("alice.test", "127.0.0.1", kT0 + 59s)).allowed());
  EXPECT_FALSE(live_->decideStream(peer("alice.test", "127.0.0.1", kT0 + 60s)).allowed());
  EXPECT_EQ(live_->nextExpiry(), kT0 + 60s);
  auto gone = live_->expire(kT0 + 60s);
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->size(), 1U);
  EXPECT_TRUE(live_->entries().empty());
  EXPECT_FALSE(live_->nextExpiry().has_value());
}

TEST_F(LivePolicyTest, EntriesSurviveARestartAndRevokingRemovesThem) {
  auto added = grant({WhitelistRule{"alice.test", "", false, std::nullopt},
                      ContentRule{"", "secret", ContentAction::mask, "***"}});
  ASSERT_EQ(added.size(), 2U);
  reopen();
  ASSERT_EQ(live_->entries().size(), 2U);
  EXPECT_EQ(live_->entries()[0].record.requestId, "req-1");
  EXPECT_TRUE(live_->decideStream(peer("alice.test", "")).allowed());
  auto revoked = live_->revoke(added[0].id);
  ASSERT_TRUE(revoked.has_value());
  ASSERT_TRUE(revoked->has_value());
  EXPECT_FALSE(live_->decideStream(peer("alice.test", "")).allowed());
  reopen();
  EXPECT_EQ(live_->entries().size(), 1U);
  EXPECT_FALSE(live_->revoke(added[0].id)->has_value());
}

TEST_F(LivePolicyTest, AWhitelistEntryNeedsTheLevelThePeerPromised) {
  grant({WhitelistRule{"alice.test", "", false, TrustLevel::secure}});
  auto facts = peer("alice.test", "");
  EXPECT_EQ(live_->decideStream(facts).verdict, Verdict::abstain);  // verified only
  facts.tls = true;
  EXPECT_TRUE(live_->decideStream(facts).allowed());
}

TEST_F(LivePolicyTest, AnAuthenticationEntryRefusesWeakerStreamsForTheDomain) {
  grant({AuthenticationRule{"alice.test", TrustLevel::secure},
         WhitelistRule{"alice.test", "", false, std::nullopt}});
  auto facts = peer("alice.test", "");
  auto d = live_->decideStream(facts);
  EXPECT_EQ(d.verdict, Verdict::deny);
  EXPECT_NE(d.reason.find("at least 'secure'"), std::string::npos) << d.reason;
  facts.tls = true;
  EXPECT_TRUE(live_->decideStream(facts).allowed());
}

// Paper III.D: Bob's messages pass, his presence does not, others' messages do not.
TEST_F(LivePolicyTest, ARestrictedGrantPassesOnlyWhatItsRulesName) {
  PacketRule fromBob;
  fromBob.stanzaKind = "message";
  fromBob.source = {PartyKind::user, "bob@alice.test"};
  PacketRule toBob = fromBob;
  toBob.source = {};
  toBob.destination = {PartyKind::user, "bob@alice.test"};
  grant({WhitelistRule{"alice.test", "127.0.40.55", true, std::nullopt}, fromBob, toBob});
  EXPECT_TRUE(live_->decideStream(peer("alice.test", "127.0.40.55")).allowed());
  EXPECT_TRUE(
      live_->decideStanza(stanza("message", "bob@alice.test/x", "carol@target.test")).allowed());
  EXPECT_TRUE(live_
                  ->decideStanza(stanza("message", "carol@target.test/pc", "bob@alice.test",
                                        Direction::outbound))
                  .allowed());
  EXPECT_EQ(
      live_->decideStanza(stanza("presence", "bob@alice.test/x", "carol@target.test")).verdict,
      Verdict::deny);
  EXPECT_EQ(live_->decideStanza(stanza("message", "eve@alice.test/x", "carol@target.test")).verdict,
            Verdict::deny);
  EXPECT_EQ(live_
                ->decideStanza(stanza("message", "carol@target.test/pc", "eve@alice.test",
                                      Direction::outbound))
                .verdict,
            Verdict::deny);
  // Another peer is not concerned.
  EXPECT_EQ(live_->decideStanza(stanza("presence", "x@other.test", "carol@target.test")).verdict,
            Verdict::abstain);
  // An unrestricted grant for the same peer lifts the restriction.
  grant({WhitelistRule{"alice.test", "", false, std::nullopt}});
  EXPECT_NE(
      live_->decideStanza(stanza("presence", "bob@alice.test/x", "carol@target.test")).verdict,
      Verdict::deny);
}

TEST_F(LivePolicyTest, PacketRulesApplyInOrderFirstMatchWins) {
  PacketRule passBob;
  passBob.source = {PartyKind::user, "bob@alice.test"};
  PacketRule dropAlice;
  dropAlice.action = FilterAction::drop;
  dropAlice.source = {PartyKind::domain, "alice.test"};
  dropAlice.log = true;
  PacketRule rejectGroup;
  rejectGroup.action = FilterAction::reject;
  rejectGroup.destination = {PartyKind::group, "staff"};
  grant({passBob, dropAlice, rejectGroup});
  live_->setGroups([](std::string_view g, std::string_view jid) {
    return g == "staff" && jid == "boss@target.test";
  });
  EXPECT_TRUE(live_->decideStanza(stanza("iq", "bob@alice.test/x", "carol@target.test")).allowed());
  auto dropped = live_->decideStanza(stanza("message", "eve@alice.test/x", "carol@target.test"));
  EXPECT_EQ(dropped.verdict, Verdict::deny);
  EXPECT_TRUE(dropped.silent);
  EXPECT_TRUE(dropped.log);
  auto rejected = live_->decideStanza(stanza("message", "x@other.test/x", "boss@target.test"));
  EXPECT_EQ(rejected.verdict, Verdict::deny);
  EXPECT_FALSE(rejected.silent);
  EXPECT_EQ(live_->decideStanza(stanza("message", "x@other.test/x", "carol@target.test")).verdict,
            Verdict::abstain);
}

TEST_F(LivePolicyTest, LocalStanzasAreJudgedOnlyByRulesNamingUsersOrGroups) {
  EXPECT_FALSE(live_->hasUserRules());
  PacketRule dropDomain;  // names no user: s2s only
  dropDomain.action = FilterAction::drop;
  dropDomain.source = {PartyKind::domain, "t.test"};
  auto domainEntry = grant({dropDomain});
  EXPECT_FALSE(live_->hasUserRules());
  EXPECT_EQ(live_->decideLocalStanza(stanza("message", "a@t.test/r", "b@t.test")).verdict,
            Verdict::abstain);

  PacketRule rejectToBob;
  rejectToBob.action = FilterAction::reject;
  rejectToBob.stanzaKind = "message";
  rejectToBob.destination = {PartyKind::user, "bob@t.test"};
  PacketRule dropFromStaff;
  dropFromStaff.action = FilterAction::drop;
  dropFromStaff.stanzaKind = "presence";
  dropFromStaff.source = {PartyKind::group, "staff"};
  auto added = grant({rejectToBob, dropFromStaff}, kT0 + 10s);
  live_->setGroups([](std::string_view g, std::string_view jid) {
    return g == "staff" && jid == "boss@t.test";
  });
  EXPECT_TRUE(live_->hasUserRules());
  auto rejected = live_->decideLocalStanza(stanza("message", "a@t.test/r", "bob@t.test/x"));
  EXPECT_EQ(rejected.verdict, Verdict::deny);
  EXPECT_FALSE(rejected.silent);
  EXPECT_EQ(live_->decideLocalStanza(stanza("presence", "a@t.test/r", "bob@t.test")).verdict,
            Verdict::abstain);
  auto dropped = live_->decideLocalStanza(stanza("presence", "boss@t.test/r", "a@t.test"));
  EXPECT_TRUE(dropped.silent);
  // Expired, then gone: nothing left to check per stanza.
  auto late = stanza("message", "a@t.test/r", "bob@t.test");
  late.now = kT0 + 11s;
  EXPECT_EQ(live_->decideLocalStanza(late).verdict, Verdict::abstain);
  ASSERT_TRUE(live_->expire(kT0 + 11s).has_value());
  EXPECT_FALSE(live_->hasUserRules());
  ASSERT_TRUE(live_->revoke(domainEntry.front().id).has_value());
}

TEST_F(LivePolicyTest, ContentFiltersMaskOrRejectBodiesPerPeer) {
  grant({ContentRule{"alice.test", "(?i)password: *[^ ]+", ContentAction::mask, "[removed]"},
         ContentRule{"", "BUY NOW", ContentAction::reject, ""}});
  auto m = stanza("message", "bob@alice.test/x", "carol@target.test");
  m.body = "my Password: hunter2 ok";
  auto d = live_->decideStanza(m);
  EXPECT_NE(d.verdict, Verdict::deny);
  ASSERT_TRUE(d.body.has_value());
  EXPECT_EQ(*d.body, "my [removed] ok");
  auto other = stanza("message", "bob@other.test/x", "carol@target.test");
  other.body = "password: x";
  EXPECT_FALSE(live_->decideStanza(other).body.has_value());
  other.body = "BUY NOW!";
  EXPECT_EQ(live_->decideStanza(other).verdict, Verdict::deny);
}

TEST_F(LivePolicyTest, AnInvalidRuleAddsNothing) {
  auto added = live_->add(std::vector<Rule>{WhitelistRule{"alice.test", "", false, std::nullopt},
                                            ContentRule{"", "(", ContentAction::mask, "*"}},
                          Provenance{});
  EXPECT_FALSE(added.has_value());
  EXPECT_TRUE(live_->entries().empty());
  EXPECT_TRUE(storage_->policyEntries().list()->empty());
}

}  // namespace
}  // namespace keyfed::policy
