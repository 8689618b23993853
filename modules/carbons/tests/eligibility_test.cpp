// XEP-0280 section 6: which messages are copied.
#include "eligibility.hpp"

#include <gtest/gtest.h>

#include "carbon_copy.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::carbons {
namespace {

xml::Element message(std::string_view type, bool body = true,
                     std::string_view ns = xmpp::ns::client) {
  xml::Element m("message", std::string(ns));
  if (!type.empty()) m.setAttr("type", type);
  if (body) m.addChild("body", std::string(ns)).addText("hi");
  return m;
}

TEST(CarbonsEligibility, ChatIsCopiedWithOrWithoutBody) {
  EXPECT_TRUE(isEligible(message("chat")));
  EXPECT_TRUE(isEligible(message("chat", false)));
}

TEST(CarbonsEligibility, NormalOnlyWithABody) {
  EXPECT_TRUE(isEligible(message("normal")));
  EXPECT_TRUE(isEligible(message("")));
  EXPECT_FALSE(isEligible(message("normal", false)));
}

TEST(CarbonsEligibility, ImPayloadsMakeAnyTypeEligibleButGroupchatNever) {
  auto receipt = message("headline", false);
  receipt.addChild("received", "urn:xmpp:receipts");
  EXPECT_TRUE(isEligible(receipt));
  auto state = message("normal", false);
  state.addChild("composing", "http://jabber.org/protocol/chatstates");
  EXPECT_TRUE(isEligible(state));
  EXPECT_FALSE(isEligible(message("headline")));
  EXPECT_FALSE(isEligible(message("groupchat")));
  EXPECT_TRUE(isEligible(message("error", false)));
}

TEST(CarbonsEligibility, PrivateNoCopyAndCarbonsAreNotCopied) {
  auto priv = message("chat");
  priv.addChild("private", std::string(kCarbonsNs));
  EXPECT_FALSE(isEligible(priv));
  auto noCopy = message("chat");
  noCopy.addChild("no-copy", std::string(kHintsNs));
  EXPECT_FALSE(isEligible(noCopy));
  auto carbon = message("chat", false);
  carbon.addChild("received", std::string(kCarbonsNs));
  EXPECT_FALSE(isEligible(carbon));
}

TEST(CarbonCopy, WrapsTheOriginalAsAClientMessage) {
  auto original = message("chat", true, xmpp::ns::server);
  original.setAttr("from", "romeo@remote.test/a");
  const auto copy = wrapCarbon(original, Direction::received, "juliet@example.test",
                               "juliet@example.test/laptop");
  EXPECT_EQ(copy.attr("from"), "juliet@example.test");
  EXPECT_EQ(copy.attr("to"), "juliet@example.test/laptop");
  EXPECT_EQ(copy.attr("type"), "chat");
  const auto* forwarded = copy.child("received", kCarbonsNs)->child("forwarded", kForwardNs);
  ASSERT_NE(forwarded, nullptr);
  const auto* inner = forwarded->child("message", xmpp::ns::client);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->attr("from"), "romeo@remote.test/a");
  EXPECT_EQ(inner->childText("body", xmpp::ns::client), "hi");
}

}  // namespace
}  // namespace keyfed::modules::carbons
