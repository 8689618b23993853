// The MUC service against a TestServer (real router, real SQLite): scripted
// conversations between test clients, as the XEP's examples run them.
#include "muc_fixture.hpp"

namespace keyfed::modules::muc {
namespace {

using namespace test;

TEST_F(MucTest, FirstJoinCreatesALockedRoomOwnedByTheCreator) {
  alice->sendToServer(joinPresence("alice"));
  auto got = alice->take();
  auto presences = named(got, "presence");
  ASSERT_EQ(presences.size(), 1U);
  EXPECT_EQ(presences[0]->attr("from"), std::string(kRoom) + "/alice");
  EXPECT_EQ(statusCodes(*presences[0]), (std::vector<std::string>{"110", "201"}));
  EXPECT_EQ(item(*presences[0])->attr("affiliation"), "owner");
  EXPECT_EQ(item(*presences[0])->attr("role"), "moderator");
  ASSERT_EQ(named(got, "message").size(), 1U);  // the (empty) subject closes the join
  EXPECT_NE(named(got, "message")[0]->child("subject", xmpp::ns::client), nullptr);

  // Locked until configured: nobody else gets in.
  bob->sendToServer(joinPresence("bob"));
  EXPECT_EQ(errorOf(bob->take().at(0)), "item-not-found");
  EXPECT_EQ(configure(*alice).attr("type"), "result");
  bob->sendToServer(joinPresence("bob"));
  got = bob->take();
  presences = named(got, "presence");
  ASSERT_EQ(presences.size(), 2U);  // alice's, then its own
  EXPECT_EQ(presences[0]->attr("from"), std::string(kRoom) + "/alice");
  EXPECT_TRUE(item(*presences[0])->attr("jid").empty()) << "semi-anonymous by default";
  EXPECT_EQ(statusCodes(*presences[1]), (std::vector<std::string>{"110"}));
  EXPECT_EQ(item(*presences[1])->attr("role"), "participant");
  // The owner, a moderator, sees bob's real JID.
  auto seen = alice->take();
  ASSERT_EQ(named(seen, "presence").size(), 1U);
  EXPECT_EQ(item(*named(seen, "presence")[0])->attr("jid"), "bob@example.test/b");
}

TEST_F(MucTest, GroupchatIsReflectedToEveryOccupant) {
  openRoomWithBob();
  carol->sendToServer(joinPresence("carol"));
  carol->take();
  alice->take();
  bob->take();
  bob->sendToServer(groupchat("hello all"));
  for (auto* s : {alice.get(), bob.get(), carol.get()}) {
    auto got = s->take();
    ASSERT_EQ(got.size(), 1U);
    EXPECT_EQ(got[0].attr("from"), std::string(kRoom) + "/bob");
    EXPECT_EQ(got[0].attr("type"), "groupchat");
    EXPECT_EQ(got[0].childText("body", xmpp::ns::client), "hello all");
  }
  // Not an occupant: refused.
  auto dave = ts.connect("dave", "example.test", "d");
  dave->sendToServer(groupchat("let me in"));
  EXPECT_EQ(errorOf(dave->take().at(0)), "not-acceptable");
}

TEST_F(MucTest, NicknameConflictPrivateMessagesAndLeaving) {
  openRoomWithBob();
  carol->sendToServer(joinPresence("bob"));
  EXPECT_EQ(errorOf(carol->take().at(0)), "conflict");
  carol->sendToServer(joinPresence("carol"));
  carol->take();
  bob->take();
  xml::Element pm("message", std::string(xmpp::ns::client));
  pm.setAttr("to", std::string(kRoom) + "/bob");
  pm.setAttr("type", "chat");
  pm.addChild("body", std::string(xmpp::ns::client)).addText("psst");
  carol->sendToServer(std::move(pm));
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("from"), std::string(kRoom) + "/carol");
  EXPECT_NE(got[0].child("x", ns::user), nullptr);
  // Leaving: everyone sees the unavailable presence, the leaver with 110.
  xml::Element bye("presence", std::string(xmpp::ns::client));
  bye.setAttr("to", std::string(kRoom) + "/carol");
  bye.setAttr("type", "unavailable");
  carol->sendToServer(std::move(bye));
  auto own = carol->take();
  ASSERT_EQ(own.size(), 1U);
  EXPECT_EQ(own[0].attr("type"), "unavailable");
  EXPECT_EQ(statusCodes(own[0]), (std::vector<std::string>{"110"}));
  EXPECT_EQ(bob->take().at(0).attr("type"), "unavailable");
}

TEST_F(MucTest, KickIsSeenByAllAndOnlyModeratorsKick) {
  openRoomWithBob();
  carol->sendToServer(joinPresence("carol"));
  carol->take();
  alice->take();
  bob->take();
  EXPECT_EQ(errorOf(admin(*bob, "nick", "carol", "role", "none")), "forbidden");
  EXPECT_EQ(errorOf(admin(*bob, "nick", "alice", "role", "none")), "forbidden");
  EXPECT_EQ(admin(*alice, "nick", "bob", "role", "none").attr("type"), "result");
  auto kicked = bob->take();
  ASSERT_EQ(kicked.size(), 1U);
  EXPECT_EQ(kicked[0].attr("type"), "unavailable");
  EXPECT_EQ(statusCodes(kicked[0]), (std::vector<std::string>{"307", "110"}));
  auto seen = carol->take();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].attr("from"), std::string(kRoom) + "/bob");
  EXPECT_EQ(statusCodes(seen[0]), (std::vector<std::string>{"307"}));
  bob->sendToServer(groupchat("still here?"));
  EXPECT_EQ(errorOf(bob->take().at(0)), "not-acceptable");
}

TEST_F(MucTest, BanRemovesAndKeepsOut) {
  openRoomWithBob();
  EXPECT_EQ(admin(*alice, "jid", "bob@example.test", "affiliation", "outcast").attr("type"),
            "result");
  EXPECT_EQ(statusCodes(bob->take().at(0)), (std::vector<std::string>{"301", "110"}));
  bob->sendToServer(joinPresence("bob"));
  EXPECT_EQ(errorOf(bob->take().at(0)), "forbidden");
}

TEST_F(MucTest, MembersOnlyRefusesUntilTheOwnerAddsTheMember) {
  alice->sendToServer(joinPresence("alice"));
  ASSERT_EQ(configure(*alice, {{"membersonly", "1"}}).attr("type"), "result");
  carol->sendToServer(joinPresence("carol"));
  EXPECT_EQ(errorOf(carol->take().at(0)), "registration-required");
  EXPECT_EQ(admin(*alice, "jid", "carol@example.test", "affiliation", "member").attr("type"),
            "result");
  carol->sendToServer(joinPresence("carol"));
  const auto received = carol->take();
  auto got = named(received, "presence");
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(item(*got.back())->attr("affiliation"), "member");
  // The member list, for admins and owners only.
  xml::Element query("query", std::string(ns::admin));
  query.addChild("item", std::string(ns::admin)).setAttr("affiliation", "member");
  alice->sendToServer(iq("get", kRoom, query.clone()));
  auto list = lastIq(*alice);
  ASSERT_EQ(list.attr("type"), "result");
  const auto* items = list.child("query", ns::admin);
  ASSERT_NE(items, nullptr);
  EXPECT_EQ(items->child("item", ns::admin)->attr("jid"), "carol@example.test");
  carol->sendToServer(iq("get", kRoom, query.clone()));
  EXPECT_EQ(errorOf(lastIq(*carol)), "forbidden");
}

TEST_F(MucTest, SwitchingToMembersOnlyRemovesNonMembers) {
  openRoomWithBob();
  ASSERT_EQ(configure(*alice, {{"membersonly", "1"}}).attr("type"), "result");
  auto got = bob->take();
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0].attr("type"), "unavailable");
  EXPECT_EQ(statusCodes(got[0]), (std::vector<std::string>{"322", "110"}));
  bob->sendToServer(groupchat("still in?"));
  EXPECT_EQ(errorOf(bob->take().at(0)), "not-acceptable");
}

TEST_F(MucTest, PasswordProtectedRoom) {
  alice->sendToServer(joinPresence("alice"));
  ASSERT_EQ(configure(*alice, {{"passwordprotectedroom", "1"}, {"roomsecret", "open sesame"}})
                .attr("type"),
            "result");
  bob->sendToServer(joinPresence("bob"));
  EXPECT_EQ(errorOf(bob->take().at(0)), "not-authorized");
  bob->sendToServer(joinPresence("bob", "wrong"));
  EXPECT_EQ(errorOf(bob->take().at(0)), "not-authorized");
  bob->sendToServer(joinPresence("bob", "open sesame"));
  EXPECT_EQ(statusCodes(*named(bob->take(), "presence").back()), (std::vector<std::string>{"110"}));
}

TEST_F(MucTest, HistoryIsDeliveredOnJoinWithDelay) {
  openRoomWithBob();
  for (auto body : {"one", "two", "three"}) bob->sendToServer(groupchat(body));
  carol->sendToServer(joinPresence("carol", {}, "2"));
  auto got = carol->take();
  auto messages = named(got, "message");
  ASSERT_EQ(messages.size(), 3U);  // two of history, then the subject
  EXPECT_EQ(messages[0]->childText("body", xmpp::ns::client), "two");
  EXPECT_EQ(messages[1]->childText("body", xmpp::ns::client), "three");
  const auto* delay = messages[0]->child("delay", xmpp::ns::delay);
  ASSERT_NE(delay, nullptr);
  EXPECT_EQ(delay->attr("from"), kRoom);
  EXPECT_EQ(messages[0]->attr("from"), std::string(kRoom) + "/bob");
  EXPECT_NE(messages[2]->child("subject", xmpp::ns::client), nullptr);
  // The presences come before history.
  EXPECT_EQ(got.front().name(), "presence");
}

TEST_F(MucTest, SubjectChangeByModeratorsOnly) {
  openRoomWithBob();
  xml::Element m("message", std::string(xmpp::ns::client));
  m.setAttr("to", kRoom);
  m.setAttr("type", "groupchat");
  m.addChild("subject", std::string(xmpp::ns::client)).addText("Topic");
  bob->sendToServer(m.clone());
  EXPECT_EQ(errorOf(bob->take().at(0)), "forbidden");
  alice->sendToServer(m.clone());
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].childText("subject", xmpp::ns::client), "Topic");
  EXPECT_EQ(got[0].attr("from"), std::string(kRoom) + "/alice");
}

TEST_F(MucTest, SelfPingAnswersJoinedAndRefusesOthers) {
  openRoomWithBob();
  auto ping = [](std::string_view to) {
    return iq("get", to, xml::Element("ping", std::string(xmpp::ns::ping)));
  };
  bob->sendToServer(ping(std::string(kRoom) + "/bob"));
  EXPECT_EQ(lastIq(*bob).attr("type"), "result");
  carol->sendToServer(ping(std::string(kRoom) + "/bob"));
  EXPECT_EQ(errorOf(lastIq(*carol)), "not-acceptable");
  // After leaving, the self-ping says so.
  bob.reset();  // the session ends: bob leaves the room
  auto bob2 = ts.connect("bob", "example.test", "b");
  bob2->sendToServer(ping(std::string(kRoom) + "/bob"));
  EXPECT_EQ(errorOf(lastIq(*bob2)), "not-acceptable");
  const auto received = alice->take();
  auto seen = named(received, "presence");
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0]->attr("type"), "unavailable");
}

TEST_F(MucTest, TemporaryRoomVanishesPersistentRoomIsStored) {
  alice->sendToServer(joinPresence("alice"));
  ASSERT_EQ(configure(*alice).attr("type"), "result");
  alice.reset();
  auto probe = ts.connect("carol", "example.test", "probe");
  xml::Element info("query", std::string(xmpp::ns::discoInfo));
  probe->sendToServer(iq("get", kRoom, info.clone()));
  EXPECT_EQ(errorOf(lastIq(*probe)), "item-not-found");

  bob->sendToServer(joinPresence("bob"));
  ASSERT_EQ(configure(*bob, {{"persistentroom", "1"}, {"roomname", "Lounge"}}).attr("type"),
            "result");
  EXPECT_EQ(admin(*bob, "jid", "carol@example.test", "affiliation", "member").attr("type"),
            "result");
  bob.reset();
  probe->sendToServer(iq("get", kRoom, info.clone()));
  auto answer = lastIq(*probe);
  ASSERT_EQ(answer.attr("type"), "result");
  bool persistent = false;
  for (const auto& f :
       answer.child("query", xmpp::ns::discoInfo)->children("feature", xmpp::ns::discoInfo)) {
    persistent = persistent || f.attr("var") == "muc_persistent";
  }
  EXPECT_TRUE(persistent);
  auto stored = ts.storage->mucRooms().rooms("conference.example.test");
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1U);
  EXPECT_EQ((*stored)[0].affiliations,
            (std::vector<storage::RoomAffiliation>{{"bob@example.test", "owner"},
                                                   {"carol@example.test", "member"}}));
}

TEST_F(MucTest, OwnerDestroysTheRoomWithAReason) {
  openRoomWithBob();
  xml::Element query("query", std::string(ns::owner));
  query.addChild("destroy", std::string(ns::owner))
      .addChild("reason", std::string(ns::owner))
      .addText("done here");
  bob->sendToServer(iq("set", kRoom, query.clone()));
  EXPECT_EQ(errorOf(lastIq(*bob)), "forbidden");
  alice->sendToServer(iq("set", kRoom, query.clone()));
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "unavailable");
  const auto* destroyed = got[0].child("x", ns::user)->child("destroy", ns::user);
  ASSERT_NE(destroyed, nullptr);
  EXPECT_EQ(destroyed->childText("reason", ns::user), "done here");
  bob->sendToServer(groupchat("anyone?"));
  EXPECT_EQ(errorOf(bob->take().at(0)), "item-not-found");
}

TEST_F(MucTest, ServiceDiscoveryListsPublicRooms) {
  openRoomWithBob();
  alice->sendToServer(iq("get", "conference.example.test",
                         xml::Element("query", std::string(xmpp::ns::discoInfo))));
  auto info = lastIq(*alice);
  ASSERT_EQ(info.attr("type"), "result");
  const auto* identity =
      info.child("query", xmpp::ns::discoInfo)->child("identity", xmpp::ns::discoInfo);
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(identity->attr("category"), "conference");
  EXPECT_EQ(identity->attr("type"), "text");
  alice->sendToServer(iq("get", "conference.example.test",
                         xml::Element("query", std::string(xmpp::ns::discoItems))));
  auto items = lastIq(*alice);
  ASSERT_EQ(items.attr("type"), "result");
  EXPECT_EQ(
      items.child("query", xmpp::ns::discoItems)->child("item", xmpp::ns::discoItems)->attr("jid"),
      kRoom);
}

}  // namespace
}  // namespace keyfed::modules::muc
