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

TEST(StoredElement, RefusesNothingTwoElementsGarbageAndOversize) {
  EXPECT_FALSE(parseStoredElement("", 4096));
  EXPECT_FALSE(parseStoredElement("<a xmlns='x'/><b xmlns='x'/>", 4096));
  EXPECT_FALSE(parseStoredElement("<a xmlns='x'>", 4096));
  EXPECT_FALSE(parseStoredElement("not xml", 4096));
  EXPECT_FALSE(parseStoredElement("<!DOCTYPE a><a xmlns='x'/>", 4096));
  EXPECT_FALSE(parseStoredElement("<a xmlns='x'>" + std::string(5000, 'y') + "</a>", 4096));
}

}  // namespace
}  // namespace keyfed::xml
