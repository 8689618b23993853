// Room archives (XEP-0313 for MUC, docs/muc.md "Room archive") on a
// TestServer with real SQLite: stanza-ids on what occupants receive, queries
// with paging and filters, who may read, real JIDs, and deletion with the room.
#include <algorithm>
#include <limits>
#include <optional>
#include <set>

#include "keyfed/archive/namespaces.hpp"
#include "muc_fixture.hpp"

namespace keyfed::modules::muc {
namespace {

using namespace test;
using archive::kMamNs;
using archive::kRsmNs;
using archive::kStanzaIdNs;

struct Answer {
  std::vector<xml::Element> results;  // the <message/>s with a <result/>
  xml::Element iq;

  [[nodiscard]] std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& m : results) out.emplace_back(m.child("result", kMamNs)->attr("id"));
    return out;
  }
  [[nodiscard]] std::vector<std::string> bodies() const {
    std::vector<std::string> out;
    for (const auto& m : results) out.push_back(forwarded(m)->childText("body", xmpp::ns::client));
    return out;
  }
  [[nodiscard]] std::string finText(std::string_view name) const {
    const auto* fin = iq.child("fin", kMamNs);
    const auto* set = fin == nullptr ? nullptr : fin->child("set", kRsmNs);
    return set == nullptr ? std::string() : set->childText(name, kRsmNs);
  }
  [[nodiscard]] bool complete() const {
    const auto* fin = iq.child("fin", kMamNs);
    return fin != nullptr && fin->attr("complete") == "true";
  }
  static const xml::Element* forwarded(const xml::Element& m) {
    return m.child("result", kMamNs)
        ->child("forwarded", archive::kForwardNs)
        ->child("message", xmpp::ns::client);
  }
};

struct Paging {
  std::string max;
  std::optional<std::string> after;
  std::optional<std::string> before;  // "" = the last page
};

class MucArchiveTest : public MucTest {
 protected:
  Answer query(TestClientSession& who, std::string_view with = {}, const Paging& paging = {}) {
    xml::Element q("query", std::string(kMamNs));
    q.setAttr("queryid", "f1");
    if (!with.empty()) {
      auto& form = q.addChild("x", std::string(ns::dataForms));
      form.setAttr("type", "submit");
      auto& type = form.addChild("field", std::string(ns::dataForms));
      type.setAttr("var", "FORM_TYPE");
      type.addChild("value", std::string(ns::dataForms)).addText(kMamNs);
      auto& field = form.addChild("field", std::string(ns::dataForms));
      field.setAttr("var", "with");
      field.addChild("value", std::string(ns::dataForms)).addText(with);
    }
    if (!paging.max.empty() || paging.after || paging.before) {
      auto& set = q.addChild("set", std::string(kRsmNs));
      if (!paging.max.empty()) set.addChild("max", std::string(kRsmNs)).addText(paging.max);
      if (paging.after) set.addChild("after", std::string(kRsmNs)).addText(*paging.after);
      if (paging.before) set.addChild("before", std::string(kRsmNs)).addText(*paging.before);
    }
    who.sendToServer(iq("set", kRoom, std::move(q)));
    Answer answer;
    for (auto& s : who.take()) {
      if (s.name() == "iq") {
        answer.iq = std::move(s);
      } else if (s.name() == "message" && s.child("result", kMamNs) != nullptr) {
        answer.results.push_back(std::move(s));
      }
    }
    return answer;
  }

  // bob says `body`; returns the stanza-id every occupant got ("" when none).
  std::string say(TestClientSession& who, std::string_view body) {
    who.sendToServer(groupchat(body));
    std::string id;
    for (auto* s : {alice.get(), bob.get(), carol.get()}) {
      for (const auto& m : s->take()) {
        if (m.name() != "message") continue;
        const auto* sid = m.child("stanza-id", kStanzaIdNs);
        if (sid != nullptr) id = std::string(sid->attr("id"));
      }
    }
    return id;
  }

  // alice's open room with bob and carol in it.
  void roomOfThree() {
    openRoomWithBob();
    carol->sendToServer(joinPresence("carol"));
    for (auto* s : {alice.get(), bob.get(), carol.get()}) s->take();
  }

  std::vector<std::string> features(TestClientSession& who) {
    who.sendToServer(iq("get", kRoom, xml::Element("query", std::string(xmpp::ns::discoInfo))));
    std::vector<std::string> out;
    const auto answer = lastIq(who);
    if (const auto* q = answer.child("query", xmpp::ns::discoInfo)) {
      for (const auto& f : q->children("feature", xmpp::ns::discoInfo))
        out.emplace_back(f.attr("var"));
    }
    return out;
  }
};

bool has(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

TEST_F(MucArchiveTest, EveryOccupantGetsTheSameStanzaIdAndForgedOnesAreRemoved) {
  roomOfThree();
  auto m = groupchat("hello");
  auto& forged = m.addChild("stanza-id", std::string(kStanzaIdNs));
  forged.setAttr("by", kRoom);
  forged.setAttr("id", "forged");
  bob->sendToServer(std::move(m));
  std::set<std::string> ids;
  for (auto* s : {alice.get(), bob.get(), carol.get()}) {
    auto got = s->take();
    ASSERT_EQ(got.size(), 1U);
    const auto sids = got[0].children("stanza-id", kStanzaIdNs);
    ASSERT_EQ(std::distance(sids.begin(), sids.end()), 1);
    EXPECT_EQ(sids.begin()->attr("by"), kRoom);
    ids.emplace(sids.begin()->attr("id"));
  }
  ASSERT_EQ(ids.size(), 1U);
  EXPECT_NE(*ids.begin(), "forged");

  // Nor does a private message through the room carry a forged one.
  xml::Element pm("message", std::string(xmpp::ns::client));
  pm.setAttr("to", std::string(kRoom) + "/carol");
  pm.setAttr("type", "chat");
  pm.addChild("body", std::string(xmpp::ns::client)).addText("psst");
  auto& fake = pm.addChild("stanza-id", std::string(kStanzaIdNs));
  fake.setAttr("by", kRoom);
  fake.setAttr("id", "forged");
  bob->sendToServer(std::move(pm));
  auto got = carol->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].childText("body", xmpp::ns::client), "psst");
  EXPECT_EQ(got[0].child("stanza-id", kStanzaIdNs), nullptr);

  // A late joiner pages the archive: the same id, from the room.
  auto dave = ts.connect("dave", "example.test", "d");
  auto answer = query(*dave);
  ASSERT_EQ(answer.iq.attr("type"), "result") << errorOf(answer.iq);
  ASSERT_EQ(answer.ids(), std::vector<std::string>{*ids.begin()});
  EXPECT_EQ(answer.results[0].attr("from"), kRoom);
  EXPECT_EQ(answer.results[0].child("result", kMamNs)->attr("queryid"), "f1");
  const auto* original = Answer::forwarded(answer.results[0]);
  EXPECT_EQ(original->attr("from"), std::string(kRoom) + "/bob");
  EXPECT_EQ(original->childText("body", xmpp::ns::client), "hello");
  // Semi-anonymous room, dave no moderator: no real JID anywhere.
  EXPECT_EQ(original->child("x", ns::user), nullptr);
  EXPECT_TRUE(answer.complete());
  EXPECT_EQ(answer.finText("count"), "1");

  // The owner (a moderator) sees who wrote it.
  answer = query(*alice);
  ASSERT_EQ(answer.results.size(), 1U);
  const auto* x = Answer::forwarded(answer.results[0])->child("x", ns::user);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->child("item", ns::user)->attr("jid"), "bob@example.test");
}

TEST_F(MucArchiveTest, PagesForwardAndBackward) {
  roomOfThree();
  std::vector<std::string> ids;
  ids.reserve(5);
  for (int i = 0; i < 5; ++i) ids.push_back(say(i % 2 == 0 ? *bob : *carol, std::to_string(i)));
  auto dave = ts.connect("dave", "example.test", "d");

  auto page = query(*dave, {}, {"2", std::nullopt, std::nullopt});
  EXPECT_EQ(page.bodies(), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(page.ids(), (std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_FALSE(page.complete());
  EXPECT_EQ(page.finText("count"), "5");
  page = query(*dave, {}, {"2", page.finText("last"), std::nullopt});
  EXPECT_EQ(page.bodies(), (std::vector<std::string>{"2", "3"}));
  page = query(*dave, {}, {"2", page.finText("last"), std::nullopt});
  EXPECT_EQ(page.bodies(), (std::vector<std::string>{"4"}));
  EXPECT_TRUE(page.complete());

  page = query(*dave, {}, {"2", std::nullopt, ""});
  EXPECT_EQ(page.bodies(), (std::vector<std::string>{"3", "4"}));
  EXPECT_FALSE(page.complete());
  page = query(*dave, {}, {"2", std::nullopt, page.finText("first")});
  EXPECT_EQ(page.bodies(), (std::vector<std::string>{"1", "2"}));
  page = query(*dave, {}, {"2", std::nullopt, page.finText("first")});
  EXPECT_EQ(page.bodies(), (std::vector<std::string>{"0"}));
  EXPECT_TRUE(page.complete());

  // An id the room never gave.
  page = query(*dave, {}, {"2", std::string("00000000000000000001"), std::nullopt});
  EXPECT_EQ(errorOf(page.iq), "item-not-found");
}

TEST_F(MucArchiveTest, WithNamesANicknameOrForThoseWhoMaySeeThemARealJid) {
  roomOfThree();
  say(*bob, "b1");
  say(*carol, "c1");
  say(*bob, "b2");
  auto dave = ts.connect("dave", "example.test", "d");
  EXPECT_EQ(query(*dave, std::string(kRoom) + "/bob").bodies(),
            (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(query(*dave, kRoom).bodies().size(), 3U);
  // Real JIDs: hidden from dave in a semi-anonymous room, not from the owner.
  EXPECT_EQ(errorOf(query(*dave, "carol@example.test").iq), "forbidden");
  EXPECT_EQ(query(*alice, "carol@example.test").bodies(), (std::vector<std::string>{"c1"}));
  // A non-anonymous room shows them to everyone.
  ASSERT_EQ(configure(*alice, {{"whois", "anyone"}}).attr("type"), "result");
  EXPECT_EQ(query(*dave, "carol@example.test").bodies(), (std::vector<std::string>{"c1"}));
}

TEST_F(MucArchiveTest, MembersOnlyRoomRefusesNonMembers) {
  roomOfThree();
  say(*bob, "inside");
  ASSERT_EQ(configure(*alice, {{"membersonly", "1"}}).attr("type"), "result");
  auto dave = ts.connect("dave", "example.test", "d");
  auto refused = query(*dave);
  EXPECT_EQ(errorOf(refused.iq), "forbidden");
  EXPECT_TRUE(refused.results.empty());
  EXPECT_EQ(query(*alice).bodies(), std::vector<std::string>{"inside"});
  ASSERT_EQ(admin(*alice, "jid", "dave@example.test", "affiliation", "member").attr("type"),
            "result");
  EXPECT_EQ(query(*dave).bodies(), std::vector<std::string>{"inside"});
  // Outcasts never read it.
  ASSERT_EQ(admin(*alice, "jid", "dave@example.test", "affiliation", "outcast").attr("type"),
            "result");
  EXPECT_EQ(errorOf(query(*dave).iq), "forbidden");
}

TEST_F(MucArchiveTest, ArchivingIsARoomOptionAdvertisedInDisco) {
  roomOfThree();
  EXPECT_TRUE(has(features(*bob), kMamNs));
  EXPECT_TRUE(has(features(*bob), kStanzaIdNs));
  alice->sendToServer(iq("get", kRoom, xml::Element("query", std::string(ns::owner))));
  bool offered = false;
  const auto form = lastIq(*alice);
  for (const auto& f : form.child("query", ns::owner)->child("x", ns::dataForms)->children())
    offered = offered || f.attr("var") == "muc#roomconfig_enablearchiving";
  EXPECT_TRUE(offered);

  ASSERT_EQ(configure(*alice, {{"enablearchiving", "0"}}).attr("type"), "result");
  for (auto* s : {alice.get(), bob.get(), carol.get()}) s->take();  // status 104
  EXPECT_FALSE(has(features(*bob), kMamNs));
  EXPECT_EQ(say(*bob, "not kept"), "");
  EXPECT_EQ(errorOf(query(*alice).iq), "service-unavailable");
}

TEST_F(MucArchiveTest, NoStoreHintsAndSubjectsAreNotArchived) {
  roomOfThree();
  auto m = groupchat("ephemeral");
  m.addChild("no-store", "urn:xmpp:hints");
  bob->sendToServer(std::move(m));
  xml::Element subject("message", std::string(xmpp::ns::client));
  subject.setAttr("to", kRoom);
  subject.setAttr("type", "groupchat");
  subject.addChild("subject", std::string(xmpp::ns::client)).addText("topic");
  alice->sendToServer(std::move(subject));
  say(*bob, "kept");
  EXPECT_EQ(query(*alice).bodies(), std::vector<std::string>{"kept"});
}

TEST_F(MucArchiveTest, DestroyingTheRoomDeletesItsArchive) {
  roomOfThree();
  say(*bob, "before");
  ASSERT_EQ(query(*alice).bodies(), std::vector<std::string>{"before"});
  xml::Element destroy("query", std::string(ns::owner));
  destroy.addChild("destroy", std::string(ns::owner));
  alice->sendToServer(iq("set", kRoom, std::move(destroy)));
  ASSERT_EQ(lastIq(*alice).attr("type"), "result");
  bob->take();
  carol->take();
  // A new room of the same name starts with an empty archive.
  alice->sendToServer(joinPresence("alice"));
  ASSERT_EQ(configure(*alice).attr("type"), "result");
  auto answer = query(*alice);
  EXPECT_TRUE(answer.results.empty());
  EXPECT_EQ(answer.finText("count"), "0");
}

TEST_F(MucArchiveTest, ATemporaryRoomTakesItsArchiveWithIt) {
  openRoomWithBob();
  bob->sendToServer(groupchat("bye"));
  bob->take();
  ASSERT_EQ(query(*alice).bodies(), std::vector<std::string>{"bye"});
  for (auto* s : {alice.get(), bob.get()}) {
    xml::Element leave("presence", std::string(xmpp::ns::client));
    leave.setAttr("to", std::string(kRoom) + "/x");
    leave.setAttr("type", "unavailable");
    s->sendToServer(std::move(leave));
  }
  auto stored =
      ts.storage->mucArchive().query(storage::ArchiveQuery{"room",
                                                           "conference.example.test",
                                                           {},
                                                           {},
                                                           0,
                                                           std::numeric_limits<std::int64_t>::max(),
                                                           {},
                                                           {},
                                                           10,
                                                           false});
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->count, 0U);
}

class MucArchiveOffByDefaultTest : public MucArchiveTest {
 protected:
  void adjust(MucConfig& c) override { c.archiveByDefault = false; }
};

TEST_F(MucArchiveOffByDefaultTest, NewRoomsDoNotArchiveUnlessTheOwnerSaysSo) {
  roomOfThree();
  EXPECT_FALSE(has(features(*bob), kMamNs));
  EXPECT_EQ(say(*bob, "not kept"), "");
  ASSERT_EQ(configure(*alice, {{"enablearchiving", "1"}}).attr("type"), "result");
  for (auto* s : {alice.get(), bob.get(), carol.get()}) s->take();
  EXPECT_NE(say(*bob, "kept"), "");
  EXPECT_EQ(query(*carol).bodies(), std::vector<std::string>{"kept"});
}

}  // namespace
}  // namespace keyfed::modules::muc
