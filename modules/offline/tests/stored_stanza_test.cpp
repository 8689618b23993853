// Stored offline messages: the round trip through text, and what a damaged
// row does (it is refused, never crashes).
#include <gtest/gtest.h>

#include "../src/storable.hpp"
#include "../src/stored_stanza.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::offline {
namespace {

constexpr std::size_t kMax = 1 << 20;

xml::Element sampleMessage() {
  const std::string client(xmpp::ns::client);
  xml::Element m("message", client);
  m.setAttr("to", "bob@example.test");
  m.setAttr("from", "alice@example.test/a");
  m.setAttr("type", "chat");
  m.setAttr("xml:lang", "de");
  m.addChild("body", client).addText("<&>'\" – grüße 😀");
  m.addChild("x", "urn:example:ext").addChild("inner", "urn:example:ext").setAttr("a", "1");
  m.addChild("delay", std::string(xmpp::ns::delay)).setAttr("stamp", "2023-11-14T22:13:20Z");
  return m;
}

TEST(StoredStanzaTest, RoundTripKeepsNamesNamespacesAttributesAndText) {
  const auto original = sampleMessage();
  auto parsed = parseStoredStanza(serializeStanza(original), kMax);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(*parsed, original);
}

TEST(StoredStanzaTest, ServerNamespaceStanzaStaysInItsNamespace) {
  xml::Element m("message", std::string(xmpp::ns::server));
  m.addChild("body", std::string(xmpp::ns::server)).addText("from afar");
  auto parsed = parseStoredStanza(serializeStanza(m), kMax);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, m);
}

TEST(StoredStanzaTest, DamagedTextIsRefused) {
  for (std::string_view bad :
       {"", "not xml", "<message xmlns='jabber:client'>", "<message/><message/>",
        "<message xmlns='jabber:client'><body>x</message>", "</stream:stream>",
        "<!DOCTYPE x><message/>", "<message xmlns='jabber:client'>&lol;</message>"}) {
    SCOPED_TRACE(bad);
    auto parsed = parseStoredStanza(bad, kMax);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, "offline.corrupt");
  }
}

TEST(StoredStanzaTest, TextOverTheLimitIsRefused) {
  const auto text = serializeStanza(sampleMessage());
  EXPECT_TRUE(parseStoredStanza(text, text.size()));
  EXPECT_FALSE(parseStoredStanza(text, text.size() - 1));
}

xml::Element messageWith(std::string_view name, std::string_view ns,
                         std::string_view type = "chat") {
  xml::Element m("message", std::string(xmpp::ns::client));
  if (!type.empty()) m.setAttr("type", type);
  if (!name.empty()) m.addChild(std::string(name), std::string(ns));
  return m;
}

TEST(StorableTest, OnlyChatAndNormalMessagesAreStorable) {
  EXPECT_TRUE(isStorableType(messageWith("body", xmpp::ns::client, "chat")));
  EXPECT_TRUE(isStorableType(messageWith("body", xmpp::ns::client, "normal")));
  EXPECT_TRUE(isStorableType(messageWith("body", xmpp::ns::client, "")));
  for (std::string_view type : {"headline", "groupchat", "error", "bogus"}) {
    EXPECT_FALSE(isStorableType(messageWith("body", xmpp::ns::client, type))) << type;
  }
}

TEST(StorableTest, ContentDecides) {
  EXPECT_TRUE(isWorthStoring(messageWith("body", xmpp::ns::client)));
  EXPECT_TRUE(isWorthStoring(messageWith("subject", xmpp::ns::client)));
  EXPECT_TRUE(isWorthStoring(messageWith("received", "urn:xmpp:receipts")));
  EXPECT_FALSE(isWorthStoring(messageWith("", "")));
  EXPECT_FALSE(isWorthStoring(messageWith("composing", kChatStatesNs)));
  EXPECT_FALSE(isWorthStoring(messageWith("thread", xmpp::ns::client)));

  auto noStore = messageWith("body", xmpp::ns::client);
  noStore.addChild("no-store", std::string(kHintsNs));
  EXPECT_FALSE(isWorthStoring(noStore));
  auto store = messageWith("active", kChatStatesNs);
  store.addChild("store", std::string(kHintsNs));
  EXPECT_TRUE(isWorthStoring(store));
  // no-permanent-store forbids archives, not offline delivery (XEP-0334 4.2).
  auto noPermanent = messageWith("body", xmpp::ns::client);
  noPermanent.addChild("no-permanent-store", std::string(kHintsNs));
  EXPECT_TRUE(isWorthStoring(noPermanent));
}

}  // namespace
}  // namespace keyfed::modules::offline
