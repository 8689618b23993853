#include "keyfed/server/event_bus.hpp"

#include <gtest/gtest.h>

namespace keyfed::server {
namespace {

struct Probe {
  std::string trail;
};

TEST(EventBus, RunsHandlersByPriorityUntilOneHandles) {
  EventBus<Probe> bus;
  bus.hook(
      "message/bare",
      [](Probe& p) {
        p.trail += "low;";
        return true;
      },
      -1);
  bus.hook(
      "message/bare",
      [](Probe& p) {
        p.trail += "high;";
        return false;
      },
      10);
  bus.hook(
      "message/bare",
      [](Probe& p) {
        p.trail += "mid;";
        return true;
      },
      5);
  Probe probe;
  EXPECT_TRUE(bus.fire("message/bare", probe));
  EXPECT_EQ(probe.trail, "high;mid;");
}

TEST(EventBus, EqualPrioritiesRunInHookOrderAndUnhookRemoves) {
  EventBus<Probe> bus;
  auto a = bus.hook("e", [](Probe& p) {
    p.trail += "a";
    return false;
  });
  bus.hook("e", [](Probe& p) {
    p.trail += "b";
    return false;
  });
  Probe first;
  EXPECT_FALSE(bus.fire("e", first));
  EXPECT_EQ(first.trail, "ab");
  bus.unhook(a);
  Probe second;
  bus.fire("e", second);
  EXPECT_EQ(second.trail, "b");
}

TEST(EventBus, UnknownEventIsNotHandled) {
  EventBus<Probe> bus;
  Probe probe;
  EXPECT_FALSE(bus.fire("iq-get/localhost/urn:xmpp:ping", probe));
  EXPECT_FALSE(bus.hasHandlers("x"));
}

}  // namespace
}  // namespace keyfed::server
