// vcard-temp and the XEP-0292 vCard4 PEP node kept in step, as clients see
// it: the vcard module with the pep, roster, presence and disco modules on a
// TestServer with real SQLite.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "keyfed/modules/disco.hpp"
#include "keyfed/modules/pep.hpp"
#include "keyfed/modules/roster.hpp"
#include "keyfed/modules/vcard.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "vcard4_mapping.hpp"

namespace keyfed::modules {
namespace {

using server::TestClientSession;
namespace ns = xmpp::ns;

xml::Element parse(const std::string& text) {
  auto el = xml::parseStoredElement(text, 1 << 20);
  EXPECT_TRUE(el) << text;
  return el ? std::move(*el) : xml::Element();
}

std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

xml::Element ask(TestClientSession& client, const std::string& iq) {
  client.sendToServer(parse(iq));
  auto got = client.take();
  EXPECT_FALSE(got.empty());
  // The answer is the iq; notifications may come with it.
  auto it = std::ranges::find_if(got, [](const xml::Element& s) { return s.name() == "iq"; });
  return it == got.end() ? xml::Element() : *it;
}

std::string setVCardTemp(const std::string& body) {
  return "<iq xmlns='jabber:client' type='set' id='vt'><vCard xmlns='vcard-temp'>" + body +
         "</vCard></iq>";
}

std::string getVCardTemp(std::string_view to) {
  return "<iq xmlns='jabber:client' type='get' id='vg' to='" + std::string(to) +
         "'><vCard xmlns='vcard-temp'/></iq>";
}

std::string publishVCard4(const std::string& card, const std::string& options = {}) {
  std::string iq =
      "<iq xmlns='jabber:client' type='set' id='p4'><pubsub "
      "xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:vcard4'>"
      "<item id='current'>" +
      card + "</item></publish>";
  if (!options.empty()) {
    iq +=
        "<publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' "
        "type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value>"
        "</field>" +
        options + "</x></publish-options>";
  }
  return iq + "</pubsub></iq>";
}

std::string getVCard4(std::string_view to) {
  return "<iq xmlns='jabber:client' type='get' id='g4' to='" + std::string(to) +
         "'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
         "<items node='urn:xmpp:vcard4'/></pubsub></iq>";
}

// The one item of an items result: its id and payload.
const xml::Element* onlyItem(const xml::Element& result) {
  const auto* pubsub = result.child("pubsub", ns::pubsub);
  const auto* items = pubsub ? pubsub->child("items", ns::pubsub) : nullptr;
  if (items == nullptr || items->childCount() != 1) return nullptr;
  return items->child("item", ns::pubsub);
}

class VCard4PepTest : public ::testing::Test {
 protected:
  explicit VCard4PepTest(std::string_view extraConfig = {}) : ts({"example.test"}, extraConfig) {}

  void SetUp() override {
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeRosterModule());
    modules.push_back(makePresenceModule());
    modules.push_back(makeDiscoModule());
    modules.push_back(makeVCardModule());
    modules.push_back(makePepModule());
    ASSERT_TRUE(ts.start(std::move(modules)));
    for (const char* u : {"alice", "bob", "carol"}) ts.addUser(u, "example.test");
    storage::RosterItem item;
    item.subscription = storage::Subscription::both;
    item.jid = "bob@example.test";
    ASSERT_TRUE(ts.storage->roster().upsert("alice", "example.test", item));
    item.jid = "alice@example.test";
    ASSERT_TRUE(ts.storage->roster().upsert("bob", "example.test", item));
    alice = ts.connect("alice", "example.test", "a");
    bob = ts.connect("bob", "example.test", "b");
    carol = ts.connect("carol", "example.test", "c");
  }

  server::TestServer ts;
  std::unique_ptr<TestClientSession> alice, bob, carol;
};

TEST_F(VCard4PepTest, VCardTempSetIsReadableAsVCard4ByAnyone) {
  auto set = ask(*alice, setVCardTemp("<FN>Alice Example</FN><NICKNAME>al</NICKNAME>"
                                      "<EMAIL><INTERNET/><USERID>alice@example.test</USERID>"
                                      "</EMAIL>"));
  ASSERT_EQ(xmpp::stanzaType(set), "result") << xml::toString(set);

  // XEP-0292: item 'current'; open like vcard-temp, so a stranger reads it.
  auto got = ask(*carol, getVCard4("alice@example.test"));
  ASSERT_EQ(xmpp::stanzaType(got), "result") << xml::toString(got);
  const xml::Element* item = onlyItem(got);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->attr("id"), "current");
  const xml::Element* card = item->child("vcard", vcard::kVCard4Ns);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->child("fn", vcard::kVCard4Ns)->childText("text", vcard::kVCard4Ns),
            "Alice Example");
  EXPECT_EQ(card->child("nickname", vcard::kVCard4Ns)->childText("text", vcard::kVCard4Ns), "al");
  EXPECT_EQ(card->child("email", vcard::kVCard4Ns)->childText("text", vcard::kVCard4Ns),
            "alice@example.test");

  // The vcard-temp is still exactly what was set.
  auto legacy = ask(*bob, getVCardTemp("alice@example.test"));
  EXPECT_EQ(*legacy.child("vCard", ns::vcard),
            parse("<vCard xmlns='vcard-temp'><FN>Alice Example</FN><NICKNAME>al</NICKNAME>"
                  "<EMAIL><INTERNET/><USERID>alice@example.test</USERID></EMAIL></vCard>"));
}

TEST_F(VCard4PepTest, VCard4PublishIsWhatVCardTempReadersGet) {
  auto published = ask(*alice, publishVCard4("<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>"
                                             "<fn><text>Alice Four</text></fn>"
                                             "<gender><sex><text>F</text></sex></gender>"
                                             "<tel><uri>tel:+1-555-0100</uri></tel></vcard>"));
  ASSERT_EQ(xmpp::stanzaType(published), "result") << xml::toString(published);

  auto legacy = ask(*carol, getVCardTemp("alice@example.test"));
  ASSERT_EQ(xmpp::stanzaType(legacy), "result");
  const xml::Element* card = legacy.child("vCard", ns::vcard);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->childText("FN", ns::vcard), "Alice Four");
  EXPECT_EQ(card->child("TEL", ns::vcard)->childText("NUMBER", ns::vcard), "+1-555-0100");
  // No vcard-temp form for gender: kept as published.
  EXPECT_NE(card->child("gender", vcard::kVCard4Ns), nullptr);

  // The last write wins: a vcard-temp set replaces the vCard4.
  ask(*alice, setVCardTemp("<FN>Alice Temp</FN>"));
  const xml::Element got4 = ask(*bob, getVCard4("alice@example.test"));
  const xml::Element* item = onlyItem(got4);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->child("vcard", vcard::kVCard4Ns)->childCount(), 1U);
}

TEST_F(VCard4PepTest, AccountWithOnlyAVCard4AnswersWithItConverted) {
  ask(*alice, publishVCard4("<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>"
                            "<fn><text>Only Four</text></fn></vcard>"));
  // As if the vCard4 predated this mapping: no vcard-temp row.
  ASSERT_TRUE(ts.storage->vcards().remove("alice", "example.test"));
  auto legacy = ask(*bob, getVCardTemp("alice@example.test"));
  EXPECT_EQ(legacy.child("vCard", ns::vcard)->childText("FN", ns::vcard), "Only Four");
}

TEST_F(VCard4PepTest, TheNodesAccessModelDecidesWhoReadsEitherForm) {
  ask(*alice, publishVCard4("<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>"
                            "<fn><text>Private</text></fn></vcard>",
                            "<field var='pubsub#access_model'><value>presence</value></field>"));
  auto stranger = ask(*carol, getVCardTemp("alice@example.test"));
  EXPECT_EQ(errorCondition(stranger), "not-authorized");
  auto contact = ask(*bob, getVCardTemp("alice@example.test"));
  EXPECT_EQ(contact.child("vCard", ns::vcard)->childText("FN", ns::vcard), "Private");
  // A vcard-temp set keeps the node's configuration.
  ask(*alice, setVCardTemp("<FN>Still private</FN>"));
  EXPECT_EQ(errorCondition(ask(*carol, getVCardTemp("alice@example.test"))), "not-authorized");
  EXPECT_EQ(errorCondition(ask(*carol, getVCard4("alice@example.test"))), "not-authorized");
  auto own =
      ask(*alice, "<iq xmlns='jabber:client' type='get' id='o'><vCard xmlns='vcard-temp'/></iq>");
  EXPECT_EQ(own.child("vCard", ns::vcard)->childText("FN", ns::vcard), "Still private");
}

TEST_F(VCard4PepTest, MalformedVCard4IsRefusedAndNothingChanges) {
  ask(*alice, setVCardTemp("<FN>Before</FN>"));
  auto wrongRoot = ask(*alice, publishVCard4("<vCard xmlns='vcard-temp'><FN>x</FN></vCard>"));
  EXPECT_EQ(errorCondition(wrongRoot), "bad-request");
  std::string many;
  for (std::size_t i = 0; i <= vcard::kMaxProperties; ++i)
    many += "<nickname><text>n</text></nickname>";
  auto tooMany = ask(*alice, publishVCard4("<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>" +
                                           many + "</vcard>"));
  EXPECT_EQ(errorCondition(tooMany), "bad-request");
  std::string manyTemp;
  for (std::size_t i = 0; i <= vcard::kMaxProperties; ++i) manyTemp += "<NICKNAME>n</NICKNAME>";
  EXPECT_EQ(errorCondition(ask(*alice, setVCardTemp(manyTemp))), "not-acceptable");

  auto legacy = ask(*bob, getVCardTemp("alice@example.test"));
  EXPECT_EQ(legacy.child("vCard", ns::vcard)->childText("FN", ns::vcard), "Before");
  const xml::Element got4 = ask(*bob, getVCard4("alice@example.test"));
  const xml::Element* item = onlyItem(got4);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->child("vcard", vcard::kVCard4Ns)
                ->child("fn", vcard::kVCard4Ns)
                ->childText("text", vcard::kVCard4Ns),
            "Before");
}

TEST_F(VCard4PepTest, ClearingTheVCardTempClearsTheVCard4) {
  ask(*alice, setVCardTemp("<FN>Gone soon</FN>"));
  ask(*alice, setVCardTemp(""));
  const xml::Element got4 = ask(*bob, getVCard4("alice@example.test"));
  const xml::Element* item = onlyItem(got4);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->child("vcard", vcard::kVCard4Ns)->childCount(), 0U);
  EXPECT_EQ(ask(*bob, getVCardTemp("alice@example.test")).child("vCard", ns::vcard)->childCount(),
            0U);
}

TEST_F(VCard4PepTest, AccountAdvertisesVCard4) {
  const auto& features = ts.server->disco().accountFeatures();
  EXPECT_NE(std::ranges::find(features, std::string(vcard::kVCard4Node)), features.end());
}

// The vCard4 form is larger than the vcard-temp one (N gets all five
// components): a card that fits as vcard-temp but not as a PEP item is refused
// whole, so the two forms never disagree.
TEST_F(VCard4PepTest, WhatPepRefusesIsNotStoredAsVCardTemp) {
  ask(*alice, setVCardTemp("<FN>Small</FN>"));
  std::string names;
  for (int i = 0; i < 200; ++i) names += "<N/>";
  const std::string big = "<FN>" + std::string(255000, 'x') + "</FN>" + names;
  ASSERT_LT(big.size() + 64, ts.storage->limits().vcardBytes);
  auto refused = ask(*alice, setVCardTemp(big));
  EXPECT_EQ(errorCondition(refused), "not-acceptable");
  auto legacy = ask(*bob, getVCardTemp("alice@example.test"));
  EXPECT_EQ(legacy.child("vCard", ns::vcard)->childText("FN", ns::vcard), "Small");
}

// docs/vcard.md, "Avatars": an older client's PHOTO reaches XEP-0084 readers.
TEST_F(VCard4PepTest, AVCardTempPhotoIsPublishedAsTheXep0084Avatar) {
  constexpr std::string_view kSha1 = "05eef2164a379d270e894ea4e95d5a11df62e66e";
  auto set =
      ask(*alice, setVCardTemp("<FN>Alice</FN><PHOTO><TYPE>image/png</TYPE><BINVAL>"
                               "iVBORw0KGgpub3Qg\ncmVhbGx5IGEgcGljdHVyZQ==</BINVAL></PHOTO>"));
  ASSERT_EQ(xmpp::stanzaType(set), "result") << xml::toString(set);

  auto items = [&](std::string_view node) {
    return ask(*bob,
               "<iq xmlns='jabber:client' type='get' id='av' to='alice@example.test'>"
               "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='" +
                   std::string(node) + "'/></pubsub></iq>");
  };
  const xml::Element metadata = items("urn:xmpp:avatar:metadata");
  const xml::Element* item = onlyItem(metadata);
  ASSERT_NE(item, nullptr) << xml::toString(metadata);
  EXPECT_EQ(item->attr("id"), kSha1);
  const xml::Element* info = item->child("metadata", "urn:xmpp:avatar:metadata")
                                 ->child("info", "urn:xmpp:avatar:metadata");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->attr("bytes"), "28");
  EXPECT_EQ(info->attr("type"), "image/png");
  const xml::Element data = items("urn:xmpp:avatar:data");
  item = onlyItem(data);
  ASSERT_NE(item, nullptr) << xml::toString(data);
  EXPECT_EQ(item->attr("id"), kSha1);
  EXPECT_EQ(item->childText("data", "urn:xmpp:avatar:data"),
            "iVBORw0KGgpub3QgcmVhbGx5IGEgcGljdHVyZQ==");
  // The avatar nodes keep XEP-0084's default: a stranger does not see them.
  EXPECT_EQ(errorCondition(ask(*carol,
                               "<iq xmlns='jabber:client' type='get' id='av' "
                               "to='alice@example.test'><pubsub xmlns='http://jabber.org/"
                               "protocol/pubsub'><items node='urn:xmpp:avatar:metadata'/>"
                               "</pubsub></iq>")),
            "not-authorized");

  // A card whose PHOTO is not an image is stored; the avatar stays.
  set = ask(*alice, setVCardTemp("<FN>Alice</FN><PHOTO><TYPE>image/png</TYPE><BINVAL>%%%"
                                 "</BINVAL></PHOTO>"));
  ASSERT_EQ(xmpp::stanzaType(set), "result") << xml::toString(set);
  const xml::Element still = items("urn:xmpp:avatar:metadata");
  item = onlyItem(still);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->attr("id"), kSha1);
}

std::string publishItem(std::string_view node, std::string_view id, const std::string& payload) {
  return "<iq xmlns='jabber:client' type='set' id='pa'><pubsub "
         "xmlns='http://jabber.org/protocol/pubsub'><publish node='" +
         std::string(node) + "'><item id='" + std::string(id) + "'>" + payload +
         "</item></publish></pubsub></iq>";
}

// The way back: a newer client's XEP-0084 avatar is the PHOTO older clients read.
TEST_F(VCard4PepTest, AXep0084AvatarBecomesTheVCardPhoto) {
  constexpr std::string_view kSha1 = "05eef2164a379d270e894ea4e95d5a11df62e66e";
  const std::string image = "iVBORw0KGgpub3QgcmVhbGx5IGEgcGljdHVyZQ==";
  ask(*alice, setVCardTemp("<FN>Alice</FN>"));
  auto r = ask(*alice, publishItem("urn:xmpp:avatar:data", kSha1,
                                   "<data xmlns='urn:xmpp:avatar:data'>" + image + "</data>"));
  ASSERT_EQ(xmpp::stanzaType(r), "result") << xml::toString(r);
  r = ask(*alice,
          publishItem("urn:xmpp:avatar:metadata", kSha1,
                      "<metadata xmlns='urn:xmpp:avatar:metadata'>"
                      "<info bytes='9000' id='0000' type='image/jpeg' url='https://a.example/x'/>"
                      "<info bytes='28' id='" +
                          std::string(kSha1) + "' type='image/png'/></metadata>"));
  ASSERT_EQ(xmpp::stanzaType(r), "result") << xml::toString(r);

  const xml::Element legacy = ask(*carol, getVCardTemp("alice@example.test"));
  const xml::Element* card = legacy.child("vCard", ns::vcard);
  ASSERT_NE(card, nullptr) << xml::toString(legacy);
  EXPECT_EQ(card->childText("FN", ns::vcard), "Alice") << "the rest of the card is kept";
  const xml::Element* photo = card->child("PHOTO", ns::vcard);
  ASSERT_NE(photo, nullptr) << xml::toString(legacy);
  EXPECT_EQ(photo->childText("TYPE", ns::vcard), "image/png");
  EXPECT_EQ(photo->childText("BINVAL", ns::vcard), image);
  // The vCard4 follows.
  const xml::Element got4 = ask(*carol, getVCard4("alice@example.test"));
  const xml::Element* item = onlyItem(got4);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->child("vcard", vcard::kVCard4Ns)
                ->child("photo", vcard::kVCard4Ns)
                ->childText("uri", vcard::kVCard4Ns),
            "data:image/png;base64," + image);

  // Only hosted elsewhere: nothing to copy, the PHOTO stays.
  ask(*alice, publishItem("urn:xmpp:avatar:metadata", "0000",
                          "<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='9' id='0000' "
                          "type='image/png' url='https://a.example/y'/></metadata>"));
  const xml::Element kept = ask(*carol, getVCardTemp("alice@example.test"));
  EXPECT_NE(kept.child("vCard", ns::vcard)->child("PHOTO", ns::vcard), nullptr);

  // An empty <metadata/> disables the avatar: the PHOTO goes, the rest stays.
  ask(*alice, publishItem("urn:xmpp:avatar:metadata", "none",
                          "<metadata xmlns='urn:xmpp:avatar:metadata'/>"));
  const xml::Element cleared = ask(*carol, getVCardTemp("alice@example.test"));
  EXPECT_EQ(cleared.child("vCard", ns::vcard)->child("PHOTO", ns::vcard), nullptr);
  EXPECT_EQ(cleared.child("vCard", ns::vcard)->childText("FN", ns::vcard), "Alice");
}

}  // namespace
}  // namespace keyfed::modules
