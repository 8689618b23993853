// The redirection service's rule (docs/clearinghouse.md, "Redirection service").

#include "keyfed/clearinghouse/redirector.hpp"

#include <gtest/gtest.h>

namespace keyfed::clearinghouse {
namespace {

using namespace std::chrono_literals;

constexpr base::SystemTime kNow = base::fromUnixSeconds(1'800'000'000);

storage::CommunityRow row(std::string domain, std::int64_t level, std::string redirectTo = {}) {
  storage::CommunityRow r;
  r.domain = std::move(domain);
  r.level = level;
  r.redirectTo = std::move(redirectTo);
  return r;
}

std::vector<storage::CommunityRow> community() {
  auto a = row("a.test", 3, "127.0.0.11:5269");
  a.addresses = {"127.0.0.11"};
  auto expired = row("old.test", 3, "127.0.0.14:5269");
  expired.expires = kNow - 1s;
  return {a, row("b.test", 3, "[::1]:5270"), row("low.test", 1, "127.0.0.13:5269"),
          row("nowhere.test", 3), expired};
}

RedirectVerdict ask(std::string_view from, std::string_view address, std::string_view to,
                    std::int64_t minimum = 2) {
  return decideRedirect(community(), {from, address, to}, minimum, kNow);
}

TEST(Redirector, AnAllowedPairIsSentToTheTargetsAddress) {
  auto verdict = ask("a.test", "127.0.0.11", "b.test");
  EXPECT_EQ(verdict.location, "[::1]:5270");
  EXPECT_TRUE(verdict.code.empty()) << verdict.reason;
  // b.test's row names no addresses: any address counts for its streams.
  EXPECT_EQ(ask("b.test", "192.0.2.1", "a.test").location, "127.0.0.11:5269");
}

TEST(Redirector, BothEndsMustBeMembersInForce) {
  EXPECT_EQ(ask("stranger.test", "127.0.0.1", "b.test").code, "redirect.originator");
  EXPECT_EQ(ask("b.test", "127.0.0.2", "stranger.test").code, "redirect.target");
  EXPECT_EQ(ask("old.test", "127.0.0.14", "b.test").code, "redirect.originator");
  EXPECT_EQ(ask("b.test", "127.0.0.2", "old.test").code, "redirect.target");
  // a.test's row counts only for streams from its address.
  auto spoofed = ask("a.test", "127.0.0.99", "b.test");
  EXPECT_EQ(spoofed.code, "redirect.originator");
  EXPECT_TRUE(spoofed.location.empty());
}

TEST(Redirector, BothEndsNeedTheMinimumLevel) {
  auto up = ask("low.test", "127.0.0.13", "b.test");
  EXPECT_EQ(up.code, "redirect.level");
  EXPECT_NE(up.reason.find("low.test has level 1"), std::string::npos) << up.reason;
  EXPECT_EQ(ask("b.test", "127.0.0.2", "low.test").code, "redirect.level");
  EXPECT_EQ(ask("low.test", "127.0.0.13", "b.test", 1).location, "[::1]:5270");
}

TEST(Redirector, ATargetWithoutAnAddressIsRefused) {
  auto verdict = ask("b.test", "127.0.0.2", "nowhere.test");
  EXPECT_EQ(verdict.code, "redirect.no-location");
  EXPECT_TRUE(verdict.location.empty());
}

}  // namespace
}  // namespace keyfed::clearinghouse
