// The result messages and <fin/> a query is answered with.
#include "keyfed/archive/result_messages.hpp"

#include <gtest/gtest.h>

#include "keyfed/archive/namespaces.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::archive {
namespace {

TEST(ResultMessagesTest, FinHoldsFirstLastAndCount) {
  auto fin = makeFin(false, 25, PageRange{"aaa", "bbb"});
  EXPECT_EQ(fin.attr("complete"), "false");
  const auto* set = fin.child("set", kRsmNs);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->childText("first", kRsmNs), "aaa");
  EXPECT_EQ(set->childText("last", kRsmNs), "bbb");
  EXPECT_EQ(set->childText("count", kRsmNs), "25");
  auto empty = makeFin(true, 0, std::nullopt);
  EXPECT_EQ(empty.child("set", kRsmNs)->child("first", kRsmNs), nullptr);
}

TEST(ResultMessagesTest, ForwardsAServerNamespacedMessageAsAClientOne) {
  xml::Element original("message", std::string(xmpp::ns::server));
  original.addChild("body", std::string(xmpp::ns::server)).addText("hi");
  const base::SystemTime t{std::chrono::seconds{1'700'000'000}};
  auto m = makeResultMessage(original, "a@b.c", "a@b.c/r", "q1", "ID", t);
  const auto* result = m.child("result", kMamNs);
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(result->attr("queryid"), "q1");
  EXPECT_EQ(result->attr("id"), "ID");
  const auto* forwarded = result->child("forwarded", kForwardNs);
  EXPECT_EQ(forwarded->child("delay", xmpp::ns::delay)->attr("stamp"), "2023-11-14T22:13:20Z");
  const auto* inner = forwarded->child("message", xmpp::ns::client);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->childText("body", xmpp::ns::client), "hi");
}

}  // namespace
}  // namespace keyfed::archive
