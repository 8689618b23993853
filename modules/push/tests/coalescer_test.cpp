// Coalescing with a fake clock: a burst becomes one notification at once and
// one counting the rest when the interval is over.
#include <gtest/gtest.h>

#include "coalescer.hpp"
#include "keyfed/base/clock.hpp"

namespace keyfed::modules::push {
namespace {

using namespace std::chrono_literals;

WakeFacts from(std::string sender, std::string body = "hi") {
  return WakeFacts{std::move(sender), std::move(body)};
}

TEST(Coalescer, ABurstOfAHundredBecomesTwoNotifications) {
  base::FakeClock clock;
  Coalescer c(5s);
  int sent = 0;
  ASSERT_EQ(c.add(clock.steadyNow(), from("a@x/1", "first")), Coalescer::Verdict::sendNow);
  Summary first = c.take(clock.steadyNow());
  ++sent;
  EXPECT_EQ(first.messageCount, 1U);
  EXPECT_EQ(first.lastBody, "first");
  for (int i = 2; i <= 100; ++i) {
    clock.advance(10ms);
    if (c.add(clock.steadyNow(), from("b@x/1", "m" + std::to_string(i))) ==
        Coalescer::Verdict::sendNow) {
      c.take(clock.steadyNow());
      ++sent;
    }
  }
  EXPECT_EQ(sent, 1);
  ASSERT_TRUE(c.holding());
  EXPECT_EQ(c.nextAllowed(), clock.steadyNow() - 990ms + 5s);
  clock.advance(c.nextAllowed() - clock.steadyNow());
  Summary rest = c.take(clock.steadyNow());
  EXPECT_EQ(rest.messageCount, 99U);
  EXPECT_EQ(rest.lastSender, "b@x/1");
  EXPECT_EQ(rest.lastBody, "m100");
  EXPECT_FALSE(c.holding());
}

TEST(Coalescer, AfterAQuietIntervalTheNextMessageGoesAtOnce) {
  base::FakeClock clock;
  Coalescer c(5s);
  ASSERT_EQ(c.add(clock.steadyNow(), from("a@x")), Coalescer::Verdict::sendNow);
  c.take(clock.steadyNow());
  clock.advance(4999ms);
  EXPECT_EQ(c.add(clock.steadyNow(), from("a@x")), Coalescer::Verdict::held);
  c.take(clock.steadyNow());  // the interval's flush
  clock.advance(5s);
  EXPECT_EQ(c.add(clock.steadyNow(), from("a@x")), Coalescer::Verdict::sendNow);
  EXPECT_EQ(c.take(clock.steadyNow()).messageCount, 1U);
}

TEST(Coalescer, ZeroIntervalSendsEveryMessage) {
  base::FakeClock clock;
  Coalescer c(0s);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(c.add(clock.steadyNow(), from("a@x")), Coalescer::Verdict::sendNow);
    EXPECT_EQ(c.take(clock.steadyNow()).messageCount, 1U);
  }
}

}  // namespace
}  // namespace keyfed::modules::push
