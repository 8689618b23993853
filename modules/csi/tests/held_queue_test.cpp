#include "held_queue.hpp"

#include <gtest/gtest.h>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::csi {
namespace {

xml::Element presence(std::string_view from, std::string_view show = {}) {
  xml::Element p("presence", std::string(xmpp::ns::client));
  p.setAttr("from", from);
  if (!show.empty()) p.addChild("show", std::string(xmpp::ns::client)).addText(show);
  return p;
}

std::vector<std::string> drain(HeldQueue& q) {
  std::vector<std::string> out;
  q.flush([&](const xml::Element& s) {
    out.push_back(std::string(s.attr("from")) + ":" + s.childText("show", xmpp::ns::client));
  });
  return out;
}

TEST(HeldQueue, KeepsTheNewestPresencePerSenderInArrivalOrder) {
  HeldQueue q(8);
  EXPECT_TRUE(q.hold(Treatment::presence, presence("a@x/1", "away")));
  EXPECT_TRUE(q.hold(Treatment::presence, presence("b@x/1", "dnd")));
  EXPECT_TRUE(q.hold(Treatment::presence, presence("a@x/1", "xa")));
  EXPECT_TRUE(q.hold(Treatment::presence, presence("a@x/2", "chat")));
  EXPECT_EQ(drain(q), (std::vector<std::string>{"b@x/1:dnd", "a@x/1:xa", "a@x/2:chat"}));
  EXPECT_TRUE(q.empty());
}

TEST(HeldQueue, PresenceAndChatStateFromOneSenderAreKeptApart) {
  HeldQueue q(8);
  EXPECT_TRUE(q.hold(Treatment::presence, presence("a@x/1")));
  EXPECT_TRUE(q.hold(Treatment::chatState, presence("a@x/1")));
  EXPECT_EQ(q.size(), 2u);
}

TEST(HeldQueue, RefusesBeyondCapacityButStillCoalesces) {
  HeldQueue q(2);
  EXPECT_TRUE(q.hold(Treatment::presence, presence("a@x/1")));
  EXPECT_TRUE(q.hold(Treatment::presence, presence("b@x/1")));
  EXPECT_FALSE(q.hold(Treatment::presence, presence("c@x/1")));
  EXPECT_TRUE(q.hold(Treatment::presence, presence("a@x/1", "away")));
  EXPECT_EQ(q.size(), 2u);
}

}  // namespace
}  // namespace keyfed::modules::csi
