// Roster items, subscription state and XEP-0237 versioning.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::StorageTest;

class RosterTest : public StorageTest {
 protected:
  RosterStore& roster() { return storage_->roster(); }
  static RosterItem contact(std::string jid) {
    RosterItem item;
    item.jid = std::move(jid);
    return item;
  }
  const std::string u_ = "juliet";
  const std::string h_ = "example.org";
};

TEST_F(RosterTest, NewAccountHasEmptyRosterAtVersionZero) {
  auto r = roster().get(u_, h_);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->items.empty());
  EXPECT_EQ(r->version, 0U);
  EXPECT_EQ(r->versionString(), "0");
}

TEST_F(RosterTest, UpsertStoresEveryFieldAndBumpsTheVersion) {
  RosterItem item = contact("romeo@example.net");
  item.name = "Romeo";
  item.subscription = Subscription::both;
  item.askOut = true;
  item.pendingIn = true;
  item.pendingInStanza = "<presence from='romeo@example.net' type='subscribe'/>";
  item.approved = true;
  item.listed = false;
  item.groups = {"Lovers", "Friends", "Lovers"};
  auto v = roster().upsert(u_, h_, item);
  ASSERT_TRUE(v.has_value()) << v.error().describe();
  EXPECT_EQ(*v, 1U);

  auto stored = roster().item(u_, h_, "romeo@example.net");
  ASSERT_TRUE(stored.has_value());
  ASSERT_TRUE(stored->has_value());
  RosterItem expected = item;
  expected.groups = {"Friends", "Lovers"};  // sorted, without duplicates
  EXPECT_EQ(**stored, expected);
  EXPECT_EQ(*roster().version(u_, h_), 1U);
}

TEST_F(RosterTest, UpsertReplacesTheItem) {
  RosterItem item = contact("romeo@example.net");
  item.name = "Romeo";
  item.groups = {"A", "B"};
  ASSERT_TRUE(roster().upsert(u_, h_, item).has_value());
  item.name = "R.";
  item.subscription = Subscription::to;
  item.groups = {"C"};
  EXPECT_EQ(*roster().upsert(u_, h_, item), 2U);
  auto r = roster().get(u_, h_);
  ASSERT_EQ(r->items.size(), 1U);
  EXPECT_EQ(r->items[0].name, "R.");
  EXPECT_EQ(r->items[0].subscription, Subscription::to);
  EXPECT_EQ(r->items[0].groups, (std::vector<std::string>{"C"}));
  EXPECT_EQ(r->version, 2U);
}

TEST_F(RosterTest, GetReturnsItemsOrderedByJidWithTheirGroups) {
  RosterItem b = contact("b@example.net");
  b.groups = {"G2", "G1"};
  RosterItem a = contact("a@example.net");
  a.groups = {"G3"};
  RosterItem c = contact("c@example.net");
  ASSERT_TRUE(roster().upsert(u_, h_, b).has_value());
  ASSERT_TRUE(roster().upsert(u_, h_, a).has_value());
  ASSERT_TRUE(roster().upsert(u_, h_, c).has_value());
  auto r = roster().get(u_, h_);
  ASSERT_EQ(r->items.size(), 3U);
  EXPECT_EQ(r->items[0].jid, "a@example.net");
  EXPECT_EQ(r->items[0].groups, (std::vector<std::string>{"G3"}));
  EXPECT_EQ(r->items[1].groups, (std::vector<std::string>{"G1", "G2"}));
  EXPECT_TRUE(r->items[2].groups.empty());
  EXPECT_EQ(r->version, 3U);
  // Another user's roster is separate.
  EXPECT_TRUE(roster().get("romeo", h_)->items.empty());
}

TEST_F(RosterTest, RemoveBumpsTheVersionAndAbsentItemIsNotFound) {
  ASSERT_TRUE(roster().upsert(u_, h_, contact("romeo@example.net")).has_value());
  EXPECT_EQ(*roster().remove(u_, h_, "romeo@example.net"), 2U);
  EXPECT_FALSE(roster().item(u_, h_, "romeo@example.net")->has_value());
  auto again = roster().remove(u_, h_, "romeo@example.net");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, errc::kNotFound);
  EXPECT_EQ(*roster().version(u_, h_), 2U);  // a failed remove changes nothing
}

TEST_F(RosterTest, VersionIsMonotonicPerUser) {
  std::uint64_t last = 0;
  for (int i = 0; i < 20; ++i) {
    auto v = i % 3 == 2 ? roster().remove(u_, h_, "c" + std::to_string(i - 1) + "@x.example")
                        : roster().upsert(u_, h_, contact("c" + std::to_string(i) + "@x.example"));
    ASSERT_TRUE(v.has_value()) << v.error().describe();
    EXPECT_EQ(*v, last + 1);
    last = *v;
  }
  EXPECT_EQ(*roster().version("romeo", h_), 0U);
}

TEST_F(RosterTest, ChangesSinceAVersion) {
  ASSERT_TRUE(roster().upsert(u_, h_, contact("a@x.example")).has_value());  // 1
  ASSERT_TRUE(roster().upsert(u_, h_, contact("b@x.example")).has_value());  // 2
  RosterItem c = contact("c@x.example");
  c.groups = {"G"};
  ASSERT_TRUE(roster().upsert(u_, h_, c).has_value());                       // 3
  ASSERT_TRUE(roster().remove(u_, h_, "a@x.example").has_value());           // 4
  ASSERT_TRUE(roster().upsert(u_, h_, contact("b@x.example")).has_value());  // 5

  auto d = roster().changesSince(u_, h_, 2);
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(d->has_value());
  EXPECT_EQ((*d)->version, 5U);
  ASSERT_EQ((*d)->changed.size(), 2U);
  EXPECT_EQ((*d)->changed[0].jid, "c@x.example");  // by version
  EXPECT_EQ((*d)->changed[0].groups, (std::vector<std::string>{"G"}));
  EXPECT_EQ((*d)->changed[1].jid, "b@x.example");
  EXPECT_EQ((*d)->removed, (std::vector<std::string>{"a@x.example"}));

  auto none = roster().changesSince(u_, h_, 5);
  ASSERT_TRUE(none->has_value());
  EXPECT_TRUE((*none)->changed.empty());
  EXPECT_TRUE((*none)->removed.empty());

  // A version from the future cannot be answered incrementally.
  EXPECT_FALSE(roster().changesSince(u_, h_, 6)->has_value());

  // Re-adding a removed contact turns its removal into a change.
  ASSERT_TRUE(roster().upsert(u_, h_, contact("a@x.example")).has_value());  // 6
  auto d2 = roster().changesSince(u_, h_, 3);
  ASSERT_TRUE(d2->has_value());
  EXPECT_TRUE((*d2)->removed.empty());
  ASSERT_EQ((*d2)->changed.size(), 2U);
  EXPECT_EQ((*d2)->changed[1].jid, "a@x.example");
}

TEST_F(RosterTest, OldRemovalsAreForgottenAndOldVersionsGetTheFullRoster) {
  // 1001 removals: the oldest falls out of the kept history.
  for (int i = 0; i <= 1000; ++i) {
    const std::string jid = "c" + std::to_string(i) + "@x.example";
    ASSERT_TRUE(roster().upsert(u_, h_, contact(jid)).has_value());
    ASSERT_TRUE(roster().remove(u_, h_, jid).has_value());
  }
  EXPECT_EQ(*roster().version(u_, h_), 2002U);
  EXPECT_FALSE(roster().changesSince(u_, h_, 0)->has_value());
  EXPECT_FALSE(roster().changesSince(u_, h_, 1)->has_value());
  auto recent = roster().changesSince(u_, h_, 2000);
  ASSERT_TRUE(recent->has_value());
  EXPECT_EQ((*recent)->removed, (std::vector<std::string>{"c1000@x.example"}));
}

TEST_F(RosterTest, RosterSizeIsCapped) {
  Limits limits;
  limits.rosterItemsPerUser = 3;
  testing::TempDir dir;
  auto s = testing::openIn(dir, limits);
  ASSERT_TRUE(s->accounts().create(u_, h_, testing::credentials()).has_value());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(s->roster().upsert(u_, h_, contact(std::to_string(i) + "@x.example")).has_value());
  }
  auto full = s->roster().upsert(u_, h_, contact("3@x.example"));
  ASSERT_FALSE(full.has_value());
  EXPECT_EQ(full.error().code, errc::kQuota);
  // Updating an existing item is still allowed.
  RosterItem again = contact("1@x.example");
  again.name = "one";
  EXPECT_TRUE(s->roster().upsert(u_, h_, again).has_value());
  EXPECT_EQ(*s->roster().version(u_, h_), 4U);
}

TEST_F(RosterTest, UnknownAccountIsNotFound) {
  EXPECT_EQ(roster().get("tybalt", h_).error().code, errc::kNotFound);
  EXPECT_EQ(roster().upsert("tybalt", h_, contact("a@x.example")).error().code, errc::kNotFound);
  EXPECT_EQ(roster().remove("tybalt", h_, "a@x.example").error().code, errc::kNotFound);
  EXPECT_EQ(roster().item("tybalt", h_, "a@x.example").error().code, errc::kNotFound);
  EXPECT_EQ(roster().changesSince("tybalt", h_, 0).error().code, errc::kNotFound);
}

TEST_F(RosterTest, MalformedItemsAreRefused) {
  auto expectInvalid = [&](const RosterItem& item) {
    auto r = roster().upsert(u_, h_, item);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::kInvalid) << r.error().message;
  };
  expectInvalid(contact(""));
  expectInvalid(contact(std::string(4000, 'j')));
  RosterItem item = contact("a@x.example");
  item.groups = {""};
  expectInvalid(item);
  item.groups.assign(65, "g");
  expectInvalid(item);
  item = contact("a@x.example");
  item.name = std::string(2000, 'n');
  expectInvalid(item);
  item = contact("a@x.example");
  item.pendingInStanza = std::string(70000, 'x');
  expectInvalid(item);
  item = contact("a@x.example");
  item.subscription = static_cast<Subscription>(7);
  expectInvalid(item);
  EXPECT_EQ(*roster().version(u_, h_), 0U);
}

}  // namespace
}  // namespace keyfed::storage
