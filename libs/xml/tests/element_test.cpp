#include "keyfed/xml/element.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyfed::xml {
namespace {

Element sampleMessage() {
  Element m("message", "jabber:client");
  m.setAttr("to", "juliet@example.com").setAttr("type", "chat");
  m.addChild("body", "jabber:client").addText("Wherefore art thou?");
  m.addChild("active", "http://jabber.org/protocol/chatstates");
  m.addChild("body", "jabber:client").addText("second");
  return m;
}

TEST(Element, AttributesKeepOrderAndReplaceInPlace) {
  Element e("iq", "jabber:client");
  e.setAttr("type", "get").setAttr("id", "a1").setAttr("to", "x");
  e.setAttr("id", "b2");
  ASSERT_EQ(e.attributes().size(), 3u);
  EXPECT_EQ(e.attributes()[1].name, "id");
  EXPECT_EQ(e.attributes()[1].value, "b2");
  EXPECT_EQ(e.attr("type"), "get");
  EXPECT_EQ(e.attr("missing"), "");
  EXPECT_EQ(e.findAttr("missing"), nullptr);
  EXPECT_TRUE(e.removeAttr("type"));
  EXPECT_FALSE(e.removeAttr("type"));
  EXPECT_FALSE(e.hasAttr("type"));
  EXPECT_EQ(e.attributes().front().name, "id");
}

TEST(Element, EmptyAttributeIsPresent) {
  Element e("x", "");
  e.setAttr("a", "");
  EXPECT_TRUE(e.hasAttr("a"));
  EXPECT_EQ(e.attr("a"), "");
}

TEST(Element, ChildLookupByNameAndNamespace) {
  Element m = sampleMessage();
  ASSERT_NE(m.child("body", "jabber:client"), nullptr);
  EXPECT_EQ(m.child("body", "jabber:client")->text(), "Wherefore art thou?");
  EXPECT_EQ(m.child("body", "urn:other"), nullptr);
  EXPECT_NE(m.child("active", ""), nullptr);  // empty ns matches any
  EXPECT_EQ(m.childText("body", "jabber:client"), "Wherefore art thou?");
  EXPECT_EQ(m.childText("subject", "jabber:client"), "");
  EXPECT_EQ(m.childCount(), 3u);
}

TEST(Element, ChildrenIteratesOnlyMatches) {
  Element m = sampleMessage();
  std::vector<std::string> texts;
  for (const Element& b : m.children("body", "jabber:client")) texts.push_back(b.text());
  EXPECT_EQ(texts, (std::vector<std::string>{"Wherefore art thou?", "second"}));
  int all = 0;
  for (const Element& c : m.children()) {
    (void)c;
    ++all;
  }
  EXPECT_EQ(all, 3);
  EXPECT_TRUE(m.children("nothing", "").empty());
  // Mutable iteration.
  for (Element& b : m.children("body", "jabber:client")) b.setAttr("xml:lang", "en");
  EXPECT_EQ(m.child("body", "")->attr("xml:lang"), "en");
}

TEST(Element, TextMergesAdjacentRunsAndSkipsChildren) {
  Element e("body", "jabber:client");
  e.addText("Hello, ").addText("world");
  e.addChild("b", "urn:x").addText("ignored");
  e.addText("!");
  EXPECT_EQ(e.nodes().size(), 3u);
  EXPECT_EQ(e.text(), "Hello, world!");
  e.addText("");
  EXPECT_EQ(e.nodes().size(), 3u);
}

TEST(Element, RemoveChildren) {
  Element m = sampleMessage();
  EXPECT_EQ(m.removeChildren("body", "jabber:client"), 2u);
  EXPECT_EQ(m.childCount(), 1u);
  EXPECT_EQ(m.removeChildren("body", "jabber:client"), 0u);
  m.clearChildren();
  EXPECT_TRUE(m.nodes().empty());
}

TEST(Element, CloneIsDeepAndEqual) {
  Element m = sampleMessage();
  Element copy = m.clone();
  EXPECT_EQ(copy, m);
  copy.child("body", "")->addText(" changed");
  EXPECT_NE(copy, m);
  EXPECT_EQ(m.childText("body", "jabber:client"), "Wherefore art thou?");
}

TEST(Element, EqualityDependsOnNamespaceAndAttributeOrder) {
  Element a("x", "urn:a");
  Element b("x", "urn:b");
  EXPECT_NE(a, b);
  Element c("x", "urn:a");
  a.setAttr("p", "1").setAttr("q", "2");
  c.setAttr("q", "2").setAttr("p", "1");
  EXPECT_NE(a, c);
  EXPECT_TRUE(a.is("x", "urn:a"));
  EXPECT_FALSE(a.is("x", "urn:b"));
}

TEST(Element, NodeKinds) {
  Element e("p", "");
  e.addText("t");
  e.addChild("c", "");
  ASSERT_EQ(e.nodes().size(), 2u);
  EXPECT_TRUE(e.nodes()[0].isText());
  EXPECT_EQ(e.nodes()[0].asElement(), nullptr);
  EXPECT_TRUE(e.nodes()[1].isElement());
  EXPECT_EQ(e.nodes()[1].element().name(), "c");
}

}  // namespace
}  // namespace keyfed::xml
