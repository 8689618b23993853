#include "redirect.hpp"

#include <gtest/gtest.h>

namespace keyfed::modules::s2s {
namespace {

xmpp::SeeOtherHost at(std::string address, std::uint16_t port) {
  return xmpp::SeeOtherHost{std::move(address), port};
}

TEST(RedirectTrail, FollowsUpToTheBound) {
  RedirectTrail trail(2);
  trail.begin(at("127.0.0.1", 5269));
  EXPECT_TRUE(trail.follow(at("127.0.0.2", 5269)));
  EXPECT_TRUE(trail.follow(at("127.0.0.3", 5269)));
  EXPECT_EQ(trail.redirects(), 2U);
  auto third = trail.follow(at("127.0.0.4", 5269));
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, "s2s.redirect-limit");
  EXPECT_EQ(trail.redirects(), 2U);
}

TEST(RedirectTrail, ZeroFollowsNone) {
  RedirectTrail trail(0);
  trail.begin(at("127.0.0.1", 5269));
  auto first = trail.follow(at("127.0.0.2", 5269));
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, "s2s.redirect-limit");
}

TEST(RedirectTrail, RefusesLoops) {
  RedirectTrail trail(5);
  trail.begin(at("127.0.0.1", 5269));
  // Back to where the attempt started.
  auto back = trail.follow(at("127.0.0.1", 5269));
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, "s2s.redirect-loop");
  ASSERT_TRUE(trail.follow(at("127.0.0.2", 5269)));
  EXPECT_FALSE(trail.follow(at("127.0.0.2", 5269)));
  // Another port of the same address is another server.
  EXPECT_TRUE(trail.follow(at("127.0.0.1", 5270)));
}

}  // namespace
}  // namespace keyfed::modules::s2s
