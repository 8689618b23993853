// Reading a stored element back: round trip, and refusal of anything but one element.
#include "keyfed/xml/stored_element.hpp"

#include <gtest/gtest.h>

#include "keyfed/xml/writer.hpp"

namespace keyfed::xml {
namespace {

TEST(StoredElement, RoundTripsWhatTheWriterWrote) {
  xml::Element e("vCard", "vcard-temp");
  e.addChild("FN", "vcard-temp").addText("A & B <\xC3\xA9>");
  e.addChild("other", "urn:x").setAttr("a", "'\"");
  auto back = parseStoredElement(xml::toString(e), 4096);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(*back, e);
}

TEST(StoredElement, UnprefixedNamesTakeTheDefaultNamespace) {
  auto parsed = parseStoredElement("<message><body>hi</body></message>", 100, "jabber:server");
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->ns(), "jabber:server");
  EXPECT_EQ(parsed->childText("body", "jabber:server"), "hi");
  auto client = parseStoredElement("<message/>", 100);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->ns(), "jabber:client");
}

TEST(StoredElement, TheLimitIsExact) {
  const std::string text = "<message><body>hi</body></message>";
  EXPECT_TRUE(parseStoredElement(text, text.size()));
  auto over = parseStoredElement(text, text.size() - 1);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, "xml.stored");
}

TEST(StoredElement, RefusesNothingTwoElementsGarbageAndOversize) {
  EXPECT_FALSE(parseStoredElement("", 4096));
  EXPECT_FALSE(parseStoredElement("<a xmlns='x'/><b xmlns='x'/>", 4096));
  EXPECT_FALSE(parseStoredElement("<a xmlns='x'>", 4096));
  EXPECT_FALSE(parseStoredElement("not xml", 4096));
  EXPECT_FALSE(parseStoredElement("<!DOCTYPE a><a xmlns='x'/>", 4096));
  EXPECT_FALSE(parseStoredElement("<a xmlns='x'>" + std::string(5000, 'y') + "</a>", 4096));
  EXPECT_FALSE(parseStoredElement("<a><b></a>", 4096));
  auto entity = parseStoredElement("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", 4096);
  ASSERT_FALSE(entity);
  EXPECT_EQ(entity.error().code, "xml.stored");
}

}  // namespace
}  // namespace keyfed::xml
