// XEP-0198 section 4 counting on the server's side.
#include "unacked_queue.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::sm {
namespace {

xml::Element stanza(int n) {
  xml::Element m("message", std::string(xmpp::ns::client));
  m.setAttr("id", std::to_string(n));
  return m;
}

TEST(UnackedQueue, AckDropsWhatWasHandledAndKeepsTheRestInOrder) {
  UnackedQueue q;
  for (int i = 1; i <= 5; ++i) q.push(stanza(i));
  ASSERT_TRUE(q.ack(2));
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q.pending().front().attr("id"), "3");
  EXPECT_TRUE(q.ack(2));  // repeated ack: nothing new
  EXPECT_EQ(q.size(), 3u);
  EXPECT_TRUE(q.ack(5));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.sent(), 5u);
  EXPECT_EQ(q.acked(), 5u);
}

TEST(UnackedQueue, AckingMoreThanWasSentFailsAndChangesNothing) {
  UnackedQueue q;
  q.push(stanza(1));
  auto acked = q.ack(2);
  ASSERT_FALSE(acked);
  EXPECT_EQ(acked.error().code, "sm.handled-count-too-high");
  EXPECT_EQ(q.size(), 1u);
  EXPECT_FALSE(q.ack(std::numeric_limits<std::uint32_t>::max()));  // "before" the last ack
}

TEST(UnackedQueue, CountersWrapAt2To32) {
  constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
  UnackedQueue q(kMax - 1);
  for (int i = 1; i <= 4; ++i) q.push(stanza(i));
  EXPECT_EQ(q.sent(), 2u);   // kMax - 1 + 4 mod 2^32
  ASSERT_TRUE(q.ack(kMax));  // one handled
  EXPECT_EQ(q.pending().front().attr("id"), "2");
  ASSERT_TRUE(q.ack(1));  // three handled: across the wrap
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q.pending().front().attr("id"), "4");
  EXPECT_FALSE(q.ack(3));
}

TEST(UnackedQueue, TakeAllEmptiesAndCountsAsAcked) {
  UnackedQueue q;
  q.push(stanza(1));
  q.push(stanza(2));
  auto all = q.takeAll();
  EXPECT_EQ(all.size(), 2u);
  EXPECT_TRUE(q.empty());
  EXPECT_TRUE(q.ack(2));
}

TEST(ParseCounter, AcceptsDecimalBelow2To32Only) {
  EXPECT_EQ(*parseCounter("0"), 0u);
  EXPECT_EQ(*parseCounter("4294967295"), 4294967295u);
  EXPECT_FALSE(parseCounter("4294967296"));
  EXPECT_FALSE(parseCounter(""));
  EXPECT_FALSE(parseCounter("-1"));
  EXPECT_FALSE(parseCounter("12a"));
  EXPECT_FALSE(parseCounter(" 1"));
}

}  // namespace
}  // namespace keyfed::modules::sm
