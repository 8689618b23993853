// Remote occupants: users of other servers, whose stanzas arrive from s2s
// (Server::route with their real JID as 'from') and to whom the room's
// traffic leaves through route/remote. Here route/remote records instead of
// federating (the s2s side: modules/s2s/tests/s2s_component_test.cpp, both
// together: tests/e2e/test_muc_s2s.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "keyfed/xml/writer.hpp"
#include "muc_fixture.hpp"

namespace keyfed::modules::muc::test {
namespace {

constexpr std::string_view kRemote = "rita@remote.test/phone";

class MucRemoteTest : public MucTest {
 protected:
  void SetUp() override {
    MucTest::SetUp();
    // The hook holds the list too: the sessions the base fixture closes after this
    // fixture's members are gone still send their leave presence through it.
    ts.server->hooks().stanzas.hook("route/remote", [sent = toRemote](server::StanzaEvent& e) {
      sent->push_back(e.stanza.clone());
      return true;
    });
  }

  // A stanza from rita's server, as s2s hands it to the router.
  void fromRemote(xml::Element stanza) {
    stanza.setAttr("from", kRemote);
    ts.server->route(std::move(stanza));
  }

  std::vector<xml::Element> takeRemote() { return std::exchange(*toRemote, {}); }

  // What alice received of one kind (copies: take() returns a temporary).
  std::vector<xml::Element> aliceGot(std::string_view name) {
    auto got = alice->take();
    std::erase_if(got, [name](const xml::Element& s) { return s.name() != name; });
    return got;
  }

  // alice's open room with rita (remote) in it.
  void roomWithRita() {
    alice->sendToServer(joinPresence("alice"));
    ASSERT_EQ(configure(*alice).attr("type"), "result");
    fromRemote(joinPresence("rita"));
    alice->take();
  }

  // The error a remote server sends back for a stanza from the room.
  static xml::Element bounced(std::string_view kind, std::string_view to,
                              std::string_view condition) {
    xml::Element e{std::string(kind), std::string(xmpp::ns::client)};
    e.setAttr("to", to).setAttr("type", "error");
    auto& error = e.addChild("error", std::string(xmpp::ns::client));
    error.setAttr("type", "cancel");
    error.addChild(std::string(condition), std::string(xmpp::ns::stanzas));
    return e;
  }

  std::shared_ptr<std::vector<xml::Element>> toRemote =
      std::make_shared<std::vector<xml::Element>>();
};

TEST_F(MucRemoteTest, ARemoteUserJoinsAndTalksThroughTheRouter) {
  alice->sendToServer(joinPresence("alice"));
  ASSERT_EQ(configure(*alice).attr("type"), "result");
  alice->sendToServer(groupchat("before rita"));
  alice->take();

  fromRemote(joinPresence("rita"));
  auto got = takeRemote();
  // alice's presence, rita's own (110), the history, the subject: all to rita's real JID.
  ASSERT_EQ(got.size(), 4U);
  for (const auto& s : got) EXPECT_EQ(s.attr("to"), kRemote) << xml::toString(s);
  EXPECT_EQ(got[0].attr("from"), std::string(kRoom) + "/alice");
  EXPECT_EQ(statusCodes(got[1]), (std::vector<std::string>{"110"}));
  EXPECT_EQ(got[2].childText("body", xmpp::ns::client), "before rita");
  EXPECT_NE(got[3].child("subject", xmpp::ns::client), nullptr);
  // alice sees rita arrive; the real JID only where whois allows (alice owns the room).
  auto seen = aliceGot("presence");
  ASSERT_EQ(seen.size(), 1U);
  ASSERT_NE(item(seen[0]), nullptr);
  EXPECT_EQ(item(seen[0])->attr("jid"), kRemote);

  // rita's groupchat goes to alice (locally) and back to rita (remotely).
  fromRemote(groupchat("hello from afar"));
  auto atAlice = aliceGot("message");
  ASSERT_EQ(atAlice.size(), 1U);
  EXPECT_EQ(atAlice[0].attr("from"), std::string(kRoom) + "/rita");
  auto echo = takeRemote();
  ASSERT_EQ(echo.size(), 1U);
  EXPECT_EQ(echo[0].childText("body", xmpp::ns::client), "hello from afar");

  // Private messages both ways, from the occupant JIDs.
  alice->sendToServer(server::makeMessage(std::string(kRoom) + "/rita", "psst"));
  auto pm = takeRemote();
  ASSERT_EQ(pm.size(), 1U);
  EXPECT_EQ(pm[0].attr("from"), std::string(kRoom) + "/alice");
  EXPECT_EQ(pm[0].attr("to"), kRemote);
  fromRemote(server::makeMessage(std::string(kRoom) + "/alice", "psst back"));
  auto reply = aliceGot("message");
  ASSERT_EQ(reply.size(), 1U);
  EXPECT_EQ(reply[0].attr("from"), std::string(kRoom) + "/rita");
}

TEST_F(MucRemoteTest, ARemoteUserMayNotCreateRooms) {
  fromRemote(joinPresence("rita"));
  auto got = takeRemote();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorOf(got[0]), "not-allowed") << xml::toString(got[0]);
  // No room was left behind: a local user creating it becomes its owner.
  alice->sendToServer(joinPresence("alice"));
  auto codes = statusCodes(aliceGot("presence").back());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "201"), codes.end());
}

TEST_F(MucRemoteTest, AMembersOnlyRoomRefusesARemoteNonMemberUntilMadeMember) {
  alice->sendToServer(joinPresence("alice"));
  ASSERT_EQ(configure(*alice, {{"membersonly", "1"}}).attr("type"), "result");
  fromRemote(joinPresence("rita"));
  auto refused = takeRemote();
  ASSERT_EQ(refused.size(), 1U);
  EXPECT_EQ(errorOf(refused[0]), "registration-required");

  ASSERT_EQ(admin(*alice, "jid", "rita@remote.test", "affiliation", "member").attr("type"),
            "result");
  fromRemote(joinPresence("rita"));
  auto joined = takeRemote();
  ASSERT_FALSE(joined.empty());
  EXPECT_NE(joined.front().attr("type"), "error") << xml::toString(joined.front());
}

TEST_F(MucRemoteTest, AKickedRemoteOccupantIsToldAndGone) {
  roomWithRita();
  takeRemote();
  ASSERT_EQ(admin(*alice, "nick", "rita", "role", "none").attr("type"), "result");
  auto told = takeRemote();
  ASSERT_EQ(told.size(), 1U);
  EXPECT_EQ(told[0].attr("type"), "unavailable");
  EXPECT_EQ(statusCodes(told[0]), (std::vector<std::string>{"307", "110"}));
  // Gone: rita's groupchat is refused now.
  fromRemote(groupchat("still here?"));
  auto refused = takeRemote();
  ASSERT_EQ(refused.size(), 1U);
  EXPECT_EQ(errorOf(refused[0]), "not-acceptable");
}

TEST_F(MucRemoteTest, AnErrorFromARemoteOccupantsAddressRemovesIt) {
  roomWithRita();
  takeRemote();
  // rita's server is gone: s2s bounced the room's message with remote-server-not-found.
  fromRemote(bounced("message", kRoom, "remote-server-not-found"));
  auto left = aliceGot("presence");
  ASSERT_EQ(left.size(), 1U);
  EXPECT_EQ(left[0].attr("type"), "unavailable");
  EXPECT_EQ(left[0].attr("from"), std::string(kRoom) + "/rita");
  EXPECT_EQ(statusCodes(left[0]), (std::vector<std::string>{"333"}));
  // Nothing goes to rita's address any more, not even the notice of her removal.
  EXPECT_TRUE(takeRemote().empty());
  alice->sendToServer(groupchat("anyone?"));
  EXPECT_TRUE(takeRemote().empty());
}

TEST_F(MucRemoteTest, APresenceErrorRemovesAMessageRefusalDoesNot) {
  roomWithRita();
  takeRemote();
  // A refusal of one message (a filter, a privacy rule) keeps her in.
  fromRemote(bounced("message", std::string(kRoom) + "/alice", "forbidden"));
  EXPECT_TRUE(aliceGot("presence").empty());
  alice->sendToServer(groupchat("still with us"));
  EXPECT_EQ(takeRemote().size(), 1U);
  // Any presence error removes.
  fromRemote(bounced("presence", std::string(kRoom) + "/alice", "not-acceptable"));
  auto left = aliceGot("presence");
  ASSERT_EQ(left.size(), 1U);
  EXPECT_EQ(statusCodes(left[0]), (std::vector<std::string>{"333"}));
}

TEST_F(MucRemoteTest, AnErrorFromSomeoneWhoIsNoOccupantChangesNothing) {
  roomWithRita();
  takeRemote();
  xml::Element stray = bounced("message", kRoom, "remote-server-not-found");
  stray.setAttr("from", "mallory@remote.test/x");
  ts.server->route(std::move(stray));
  // Another resource of rita's account is not her either.
  xml::Element other = bounced("presence", kRoom, "gone");
  other.setAttr("from", "rita@remote.test/laptop");
  ts.server->route(std::move(other));
  EXPECT_TRUE(aliceGot("presence").empty());
  alice->sendToServer(groupchat("rita is still here"));
  EXPECT_EQ(takeRemote().size(), 1U);
}

TEST_F(MucRemoteTest, SelfPingOfARemoteOccupant) {
  roomWithRita();
  takeRemote();
  xml::Element ping("ping", std::string(ns::selfPing));
  fromRemote(iq("get", std::string(kRoom) + "/rita", std::move(ping)));
  auto answer = takeRemote();
  ASSERT_EQ(answer.size(), 1U);
  EXPECT_EQ(answer[0].attr("type"), "result");
  // Once removed, the same ping says so (the client rejoins).
  fromRemote(bounced("presence", kRoom, "remote-server-timeout"));
  xml::Element again("ping", std::string(ns::selfPing));
  fromRemote(iq("get", std::string(kRoom) + "/rita", std::move(again)));
  auto refused = takeRemote();
  ASSERT_EQ(refused.size(), 1U);
  EXPECT_EQ(errorOf(refused[0]), "not-acceptable");
}

TEST_F(MucRemoteTest, AMediatedInvitationToARemoteUserLeavesFromTheRoom) {
  alice->sendToServer(joinPresence("alice"));
  ASSERT_EQ(configure(*alice).attr("type"), "result");
  alice->take();
  xml::Element m("message", std::string(xmpp::ns::client));
  m.setAttr("to", kRoom);
  m.addChild("x", std::string(ns::user))
      .addChild("invite", std::string(ns::user))
      .setAttr("to", "rita@remote.test");
  alice->sendToServer(std::move(m));
  auto sent = takeRemote();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0].attr("from"), kRoom);
  EXPECT_EQ(sent[0].attr("to"), "rita@remote.test");
  const auto* invite = sent[0].child("x", ns::user)->child("invite", ns::user);
  ASSERT_NE(invite, nullptr);
  EXPECT_EQ(invite->attr("from"), "alice@example.test");
}

}  // namespace
}  // namespace keyfed::modules::muc::test
