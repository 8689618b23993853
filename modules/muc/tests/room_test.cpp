// XEP-0045's rules over one room, without stanzas: who may join, who may
// change roles and affiliations, who may speak and set the subject.
#include "room.hpp"

#include <gtest/gtest.h>

namespace keyfed::modules::muc {
namespace {

using xmpp::StanzaErrorCondition;

xmpp::Jid jid(std::string_view text) {
  return *xmpp::Jid::parse(text);
}

RoomConfig openConfig() {
  RoomConfig c;
  c.maxUsers = 3;
  c.historyLength = 10;
  return c;
}

class RoomTest : public ::testing::Test {
 protected:
  RoomTest() : room(jid("room@conference.example.test"), openConfig(), 50) {
    room.setAffiliation("owner@example.test", Affiliation::owner);
  }
  Occupant& enter(std::string_view who, std::string nick) {
    return room.addOccupant(std::move(nick), jid(who), xml::Element("presence", "jabber:client"));
  }
  Room room;
};

TEST_F(RoomTest, JoinChecksFollowTheXepsOrder) {
  room.setAffiliation("banned@example.test", Affiliation::outcast);
  enter("owner@example.test/a", "boss");
  EXPECT_EQ(room.mayJoin(jid("banned@example.test/x"), "free", ""),
            StanzaErrorCondition::forbidden);
  EXPECT_EQ(room.mayJoin(jid("other@example.test/x"), "boss", ""), StanzaErrorCondition::conflict);
  // The occupant itself re-entering under its own nickname is no conflict.
  EXPECT_EQ(room.mayJoin(jid("owner@example.test/a"), "boss", ""), std::nullopt);
  EXPECT_EQ(room.mayJoin(jid("other@example.test/x"), "free", ""), std::nullopt);
}

TEST_F(RoomTest, LockedRoomAdmitsOnlyItsOwner) {
  room.lock();
  EXPECT_EQ(room.mayJoin(jid("other@example.test/x"), "n", ""), StanzaErrorCondition::itemNotFound);
  EXPECT_EQ(room.mayJoin(jid("owner@example.test/x"), "n", ""), std::nullopt);
  room.unlock();
  EXPECT_EQ(room.mayJoin(jid("other@example.test/x"), "n", ""), std::nullopt);
}

TEST_F(RoomTest, MembersOnlyPasswordAndFullRoom) {
  RoomConfig c = openConfig();
  c.membersOnly = true;
  c.passwordProtected = true;
  c.password = "secret";
  room.setConfig(c);
  EXPECT_EQ(room.mayJoin(jid("stranger@example.test/x"), "s", "secret"),
            StanzaErrorCondition::registrationRequired);
  room.setAffiliation("member@example.test", Affiliation::member);
  EXPECT_EQ(room.mayJoin(jid("member@example.test/x"), "m", "wrong"),
            StanzaErrorCondition::notAuthorized);
  EXPECT_EQ(room.mayJoin(jid("member@example.test/x"), "m", "secret"), std::nullopt);
  enter("a@example.test/x", "a");
  enter("b@example.test/x", "b");
  enter("c@example.test/x", "c");
  EXPECT_EQ(room.mayJoin(jid("member@example.test/x"), "m", "secret"),
            StanzaErrorCondition::serviceUnavailable);
  // Owners still enter a full room, and without the password.
  EXPECT_EQ(room.mayJoin(jid("owner@example.test/x"), "o", ""), std::nullopt);
}

TEST_F(RoomTest, RolesFollowAffiliationsAndModeration) {
  room.setAffiliation("admin@example.test", Affiliation::admin);
  room.setAffiliation("member@example.test", Affiliation::member);
  EXPECT_EQ(enter("owner@example.test/a", "o").role, Role::moderator);
  EXPECT_EQ(enter("admin@example.test/a", "ad").role, Role::moderator);
  EXPECT_EQ(enter("member@example.test/a", "m").role, Role::participant);
  EXPECT_EQ(enter("guest@example.test/a", "g").role, Role::participant);
  RoomConfig c = openConfig();
  c.moderated = true;
  room.setConfig(c);
  EXPECT_EQ(room.defaultRole(Affiliation::none), Role::visitor);
  EXPECT_EQ(room.defaultRole(Affiliation::member), Role::participant);
}

TEST_F(RoomTest, KickAndVoiceRules) {
  room.setAffiliation("admin@example.test", Affiliation::admin);
  // Copies: a reference into the occupant list would not survive the next entry.
  const Occupant ownerCopy = enter("owner@example.test/a", "o");
  const Occupant adminCopy = enter("admin@example.test/a", "ad");
  const Occupant guestCopy = enter("guest@example.test/a", "g");
  // A moderator kicks a participant; nobody kicks an admin or owner.
  EXPECT_EQ(room.maySetRole(adminCopy, guestCopy, Role::none), std::nullopt);
  EXPECT_EQ(room.maySetRole(ownerCopy, adminCopy, Role::none), StanzaErrorCondition::notAllowed);
  EXPECT_EQ(room.maySetRole(adminCopy, ownerCopy, Role::none), StanzaErrorCondition::notAllowed);
  // A participant kicks nobody.
  EXPECT_EQ(room.maySetRole(guestCopy, guestCopy, Role::none), StanzaErrorCondition::forbidden);
  // Voice: moderators give and take it.
  EXPECT_EQ(room.maySetRole(adminCopy, guestCopy, Role::visitor), std::nullopt);
  // Moderation is given by admins and owners only.
  Occupant plainModerator = guestCopy;
  plainModerator.role = Role::moderator;
  EXPECT_EQ(room.maySetRole(plainModerator, guestCopy, Role::moderator),
            StanzaErrorCondition::forbidden);
  EXPECT_EQ(room.maySetRole(adminCopy, guestCopy, Role::moderator), std::nullopt);
}

TEST_F(RoomTest, AffiliationRules) {
  room.setAffiliation("admin@example.test", Affiliation::admin);
  // Owners do anything but leave the room without an owner.
  EXPECT_EQ(room.maySetAffiliation(Affiliation::owner, "x@example.test", Affiliation::admin),
            std::nullopt);
  EXPECT_EQ(room.maySetAffiliation(Affiliation::owner, "owner@example.test", Affiliation::member),
            StanzaErrorCondition::conflict);
  room.setAffiliation("owner2@example.test", Affiliation::owner);
  EXPECT_EQ(room.maySetAffiliation(Affiliation::owner, "owner@example.test", Affiliation::member),
            std::nullopt);
  // Admins manage members and outcasts below them.
  EXPECT_EQ(room.maySetAffiliation(Affiliation::admin, "x@example.test", Affiliation::member),
            std::nullopt);
  EXPECT_EQ(room.maySetAffiliation(Affiliation::admin, "x@example.test", Affiliation::outcast),
            std::nullopt);
  EXPECT_EQ(room.maySetAffiliation(Affiliation::admin, "x@example.test", Affiliation::admin),
            StanzaErrorCondition::forbidden);
  EXPECT_EQ(room.maySetAffiliation(Affiliation::admin, "owner@example.test", Affiliation::outcast),
            StanzaErrorCondition::notAllowed);
  // Members and others change nothing.
  EXPECT_EQ(room.maySetAffiliation(Affiliation::member, "x@example.test", Affiliation::member),
            StanzaErrorCondition::forbidden);
  EXPECT_EQ(Room::mayListAffiliation(Affiliation::admin, Affiliation::member), std::nullopt);
  EXPECT_EQ(Room::mayListAffiliation(Affiliation::admin, Affiliation::owner),
            StanzaErrorCondition::forbidden);
  EXPECT_EQ(Room::mayListAffiliation(Affiliation::member, Affiliation::outcast),
            StanzaErrorCondition::forbidden);
}

TEST_F(RoomTest, SpeakingAndSubject) {
  auto visitor = enter("v@example.test/a", "v");
  visitor.role = Role::visitor;
  const auto participant = enter("p@example.test/a", "p");
  const auto owner = enter("owner@example.test/a", "o");
  EXPECT_EQ(room.maySpeak(visitor), StanzaErrorCondition::forbidden);
  EXPECT_EQ(room.maySpeak(participant), std::nullopt);
  EXPECT_EQ(room.mayChangeSubject(participant), StanzaErrorCondition::forbidden);
  EXPECT_EQ(room.mayChangeSubject(owner), std::nullopt);
  RoomConfig c = openConfig();
  c.occupantsChangeSubject = true;
  room.setConfig(c);
  EXPECT_EQ(room.mayChangeSubject(participant), std::nullopt);
  EXPECT_EQ(room.mayChangeSubject(visitor), StanzaErrorCondition::forbidden);
}

TEST_F(RoomTest, ParsesAndNamesAffiliationsAndRoles) {
  EXPECT_EQ(parseAffiliation("outcast"), Affiliation::outcast);
  EXPECT_EQ(parseAffiliation("boss"), std::nullopt);
  EXPECT_EQ(parseRole("visitor"), Role::visitor);
  EXPECT_EQ(parseRole(""), std::nullopt);
  EXPECT_EQ(toString(Affiliation::admin), "admin");
  EXPECT_EQ(toString(Role::moderator), "moderator");
}

}  // namespace
}  // namespace keyfed::modules::muc
