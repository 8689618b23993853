// One stored element back from text: round trip, limits, and refusals.
#include "keyfed/xml/parse_element.hpp"

#include <gtest/gtest.h>

#include "keyfed/xml/writer.hpp"

namespace keyfed::xml {
namespace {

TEST(ParseElementTest, RoundTripsWhatTheWriterWrote) {
  Element m("message", "jabber:client");
  m.setAttr("to", "a@b.c");
  m.addChild("body", "jabber:client").addText("x < y & 'z'");
  m.addChild("stanza-id", "urn:xmpp:sid:0").setAttr("id", "1");
  auto parsed = parseElement(toString(m), 4096);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(*parsed, m);
}

TEST(ParseElementTest, UnprefixedNamesTakeTheDefaultNamespace) {
  auto parsed = parseElement("<message><body>hi</body></message>", 100, "jabber:server");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->ns(), "jabber:server");
  EXPECT_EQ(parsed->childText("body", "jabber:server"), "hi");
}

TEST(ParseElementTest, RefusesWhatIsNotExactlyOneElementWithinTheLimit) {
  const std::string text = "<message><body>hi</body></message>";
  EXPECT_TRUE(parseElement(text, text.size()));
  EXPECT_FALSE(parseElement(text, text.size() - 1));
  for (const char* bad : {"", "<message>", "<a/><b/>", "text", "<a><b></a>",
                          "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"}) {
    auto parsed = parseElement(bad, 1000);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, "xml.stored");
  }
}

}  // namespace
}  // namespace keyfed::xml
