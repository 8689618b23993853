// What is archived (types, body, XEP-0334 hints) and the <stanza-id/> rules.
#include <gtest/gtest.h>

#include "keyfed/archive/archivable.hpp"
#include "keyfed/archive/namespaces.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::archive {
namespace {

xml::Element message(std::string_view type, bool body = true) {
  xml::Element m("message", std::string(xmpp::ns::client));
  if (!type.empty()) m.setAttr("type", type);
  if (body) m.addChild("body", std::string(xmpp::ns::client)).addText("hi");
  return m;
}

TEST(ArchivableTest, ChatAndNormalMessagesWithABodyAre) {
  EXPECT_TRUE(isArchivable(message("chat")));
  EXPECT_TRUE(isArchivable(message("normal")));
  EXPECT_TRUE(isArchivable(message("")));
}

TEST(ArchivableTest, OtherTypesAndBodilessMessagesAreNot) {
  EXPECT_FALSE(isArchivable(message("error")));
  EXPECT_FALSE(isArchivable(message("headline")));
  EXPECT_FALSE(isArchivable(message("groupchat")));
  EXPECT_FALSE(isArchivable(message("chat", false)));
  auto foreignBody = message("chat", false);
  foreignBody.addChild("body", "urn:example:other");
  EXPECT_FALSE(isArchivable(foreignBody));
}

TEST(ArchivableTest, NoStoreHintsAreHonoured) {
  for (const char* hint : {"no-store", "no-permanent-store"}) {
    auto m = message("chat");
    m.addChild(hint, std::string(kHintsNs));
    EXPECT_FALSE(isArchivable(m)) << hint;
  }
  auto copy = message("chat");
  copy.addChild("no-copy", std::string(kHintsNs));
  EXPECT_TRUE(isArchivable(copy));
}

TEST(ArchivableTest, StripRemovesOnlyIdsByLocalEntities) {
  auto m = message("chat");
  addStanzaId(m, "juliet@example.test", "forged");
  addStanzaId(m, "example.test", "forged-too");
  addStanzaId(m, "room@muc.example.net", "theirs");
  const auto local = [](std::string_view domain) { return domain == "example.test"; };
  EXPECT_EQ(stripLocalStanzaIds(m, local), 2U);
  EXPECT_EQ(stanzaIdBy(m, "juliet@example.test"), nullptr);
  ASSERT_NE(stanzaIdBy(m, "room@muc.example.net"), nullptr);
  EXPECT_EQ(stanzaIdBy(m, "room@muc.example.net")->attr("id"), "theirs");
  EXPECT_TRUE(isArchivable(m));  // the body stays
}

}  // namespace
}  // namespace keyfed::archive
