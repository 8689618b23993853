#include <gtest/gtest.h>

#include "keyfed/server/test_server.hpp"

namespace keyfed::server {
namespace {

TEST(SessionRegistry, TracksResourcesPerAccountAndForgetsOnDisconnect) {
  TestServer t;
  ASSERT_TRUE(t.start());
  auto& registry = t.server->sessions();
  {
    auto a = t.connect("alice", "example.test", "one");
    auto b = t.connect("alice", "example.test", "two");
    EXPECT_EQ(registry.count(), 2U);
    EXPECT_EQ(registry.resources("alice@example.test").size(), 2U);
    EXPECT_EQ(registry.find(b->jid()), b.get());
    EXPECT_EQ(registry.countForHost("example.test"), 2U);
    EXPECT_TRUE(registry.availableResources("alice@example.test").empty());
    a->presence.available = true;
    EXPECT_EQ(registry.availableResources("alice@example.test").size(), 1U);
  }
  EXPECT_EQ(registry.count(), 0U);
  EXPECT_TRUE(registry.resources("alice@example.test").empty());
}

}  // namespace
}  // namespace keyfed::server
