// Which deferred messages wake a device, and what the summary may quote.
#include <gtest/gtest.h>

#include "keyfed/xml/stored_element.hpp"
#include "wake_worthy.hpp"

namespace keyfed::modules::push {
namespace {

std::optional<WakeFacts> facts(std::string_view text) {
  auto element = xml::parseStoredElement(text, 1 << 20);
  EXPECT_TRUE(element.has_value()) << text;
  return element ? wakeFacts(*element) : std::nullopt;
}

TEST(WakeWorthy, ChatAndNormalMessagesWithABody) {
  for (const char* type : {"", " type='chat'", " type='normal'"}) {
    auto f = facts(std::string("<message from='juliet@capulet.example/balcony'") + type +
                   "><body>Wherefore art thou?</body></message>");
    ASSERT_TRUE(f.has_value()) << type;
    EXPECT_EQ(f->sender, "juliet@capulet.example/balcony");
    EXPECT_EQ(f->body, "Wherefore art thou?");
  }
}

TEST(WakeWorthy, ACallProposalWithoutBody) {
  auto f = facts(
      "<message from='juliet@capulet.example/b' type='chat'><propose "
      "xmlns='urn:xmpp:jingle-message:0' id='c1'/></message>");
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->body.empty());
}

TEST(WakeWorthy, NotForStatesReceiptsCarbonsHeadlinesGroupchatOrErrors) {
  for (const char* text : {
           "<message type='chat'><composing "
           "xmlns='http://jabber.org/protocol/chatstates'/></message>",
           "<message><received xmlns='urn:xmpp:receipts' id='x'/></message>",
           "<message><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
           "<message "
           "xmlns='jabber:client'><body>hi</body></message></forwarded></received></message>",
           "<message type='headline'><body>news</body></message>",
           "<message type='groupchat'><body>all</body></message>",
           "<message type='error'><body>x</body></message>",
           "<presence/>",
       }) {
    EXPECT_FALSE(facts(text).has_value()) << text;
  }
}

TEST(WakeWorthy, TheBodyIsCutWithoutSplittingACharacter) {
  const std::string euro = "\xE2\x82\xAC";  // 3 bytes
  std::string body;
  while (body.size() < kMaxBodyBytes + 10) body += euro;
  auto f = facts("<message><body>" + body + "</body></message>");
  ASSERT_TRUE(f.has_value());
  EXPECT_LE(f->body.size(), kMaxBodyBytes);
  EXPECT_EQ(f->body.size() % 3, 0U);
  EXPECT_EQ(utf8Prefix("abc", 2), "ab");
  EXPECT_EQ(utf8Prefix("a" + euro, 2), "a");
  EXPECT_EQ(utf8Prefix("a" + euro, 4), "a" + euro);
}

}  // namespace
}  // namespace keyfed::modules::push
