// The multi-user chat room store: rooms by service, affiliation lists
// replaced as a whole, limits, and what survives reopening.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::TempDir;

StoredRoom room(std::string jid, std::vector<RoomAffiliation> affiliations = {}) {
  return StoredRoom{std::move(jid), "<config/>", std::move(affiliations)};
}

TEST(MucRooms, PutReplacesAffiliationsAndSurvivesReopening) {
  TempDir dir;
  {
    auto s = testing::openIn(dir);
    auto& rooms = s->mucRooms();
    ASSERT_TRUE(rooms.putRoom("conf.a.test", room("b@conf.a.test")).has_value());
    ASSERT_TRUE(rooms
                    .putRoom("conf.a.test", room("a@conf.a.test", {{"alice@a.test", "owner"},
                                                                   {"eve@a.test", "outcast"}}))
                    .has_value());
    ASSERT_TRUE(rooms.putRoom("conf.a.test", room("a@conf.a.test", {{"alice@a.test", "owner"}}))
                    .has_value());
    ASSERT_TRUE(rooms.putRoom("conf.b.test", room("c@conf.b.test")).has_value());
  }
  auto s = testing::openIn(dir);
  auto rooms = s->mucRooms().rooms("conf.a.test");
  ASSERT_TRUE(rooms.has_value()) << rooms.error().describe();
  ASSERT_EQ(rooms->size(), 2U);
  EXPECT_EQ((*rooms)[0].jid, "a@conf.a.test");
  EXPECT_EQ((*rooms)[0].config, "<config/>");
  EXPECT_EQ((*rooms)[0].affiliations, (std::vector<RoomAffiliation>{{"alice@a.test", "owner"}}));
  EXPECT_EQ((*rooms)[1].jid, "b@conf.a.test");
  EXPECT_TRUE((*rooms)[1].affiliations.empty());
}

TEST(MucRooms, RemoveDropsTheRoomAndItsAffiliations) {
  TempDir dir;
  auto s = testing::openIn(dir);
  auto& rooms = s->mucRooms();
  ASSERT_TRUE(
      rooms.putRoom("conf.a.test", room("a@conf.a.test", {{"alice@a.test", "owner"}})).has_value());
  EXPECT_EQ(rooms.removeRoom("a@conf.a.test").value(), true);
  EXPECT_EQ(rooms.removeRoom("a@conf.a.test").value(), false);
  EXPECT_TRUE(rooms.rooms("conf.a.test")->empty());
  // Created again: the old affiliations are gone with the old room.
  ASSERT_TRUE(rooms.putRoom("conf.a.test", room("a@conf.a.test")).has_value());
  EXPECT_TRUE(rooms.rooms("conf.a.test")->front().affiliations.empty());
}

TEST(MucRooms, RefusesBadInputAndHonoursLimits) {
  TempDir dir;
  Limits limits;
  limits.mucRooms = 1;
  limits.mucAffiliationsPerRoom = 1;
  limits.mucConfigBytes = 16;
  auto s = testing::openIn(dir, limits);
  auto& rooms = s->mucRooms();
  EXPECT_EQ(
      rooms.putRoom("conf.a.test", room("a@conf.a.test", {{"x@a.test", "boss"}})).error().code,
      errc::kInvalid);
  EXPECT_EQ(rooms
                .putRoom("conf.a.test",
                         room("a@conf.a.test", {{"x@a.test", "member"}, {"y@a.test", "member"}}))
                .error()
                .code,
            errc::kInvalid);
  StoredRoom big = room("a@conf.a.test");
  big.config.assign(17, 'x');
  EXPECT_EQ(rooms.putRoom("conf.a.test", big).error().code, errc::kInvalid);
  ASSERT_TRUE(rooms.putRoom("conf.a.test", room("a@conf.a.test")).has_value());
  EXPECT_EQ(rooms.putRoom("conf.a.test", room("b@conf.a.test")).error().code, errc::kQuota);
  // Replacing the one room held is not a new room.
  EXPECT_TRUE(rooms.putRoom("conf.a.test", room("a@conf.a.test")).has_value());
}

}  // namespace
}  // namespace keyfed::storage
