// vCards (XEP-0054), blocklists (XEP-0191) and private key-value data.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::StorageTest;

class UserDataTest : public StorageTest {
 protected:
  const std::string u_ = "juliet";
  const std::string h_ = "example.org";
};

// vCard ---------------------------------------------------------------------

TEST_F(UserDataTest, VCardSetGetReplaceRemove) {
  auto& vcards = storage_->vcards();
  EXPECT_FALSE(vcards.get(u_, h_)->has_value());
  ASSERT_TRUE(vcards.set(u_, h_, "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>").has_value());
  EXPECT_EQ(**vcards.get(u_, h_), "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>");
  ASSERT_TRUE(vcards.set(u_, h_, "<vCard xmlns='vcard-temp'><FN>J.</FN></vCard>").has_value());
  EXPECT_EQ(**vcards.get(u_, h_), "<vCard xmlns='vcard-temp'><FN>J.</FN></vCard>");
  EXPECT_FALSE(vcards.get("romeo", h_)->has_value());
  ASSERT_TRUE(vcards.remove(u_, h_).has_value());
  EXPECT_FALSE(vcards.get(u_, h_)->has_value());
  EXPECT_TRUE(vcards.remove(u_, h_).has_value());  // removing nothing is fine
}

TEST_F(UserDataTest, VCardLimitsAndUnknownAccount) {
  auto& vcards = storage_->vcards();
  EXPECT_EQ(vcards.set(u_, h_, std::string(storage_->limits().vcardBytes + 1, 'v')).error().code,
            errc::kInvalid);
  EXPECT_EQ(vcards.set(u_, h_, "").error().code, errc::kInvalid);
  EXPECT_FALSE(vcards.get(u_, h_)->has_value());
  EXPECT_EQ(vcards.get("tybalt", h_).error().code, errc::kNotFound);
  EXPECT_EQ(vcards.set("tybalt", h_, "<vCard/>").error().code, errc::kNotFound);
  EXPECT_EQ(vcards.remove("tybalt", h_).error().code, errc::kNotFound);
}

// Blocklist -----------------------------------------------------------------

TEST_F(UserDataTest, BlocklistAddListRemoveClear) {
  auto& bl = storage_->blocklist();
  EXPECT_TRUE(bl.list(u_, h_)->empty());
  const std::vector<std::string> add = {"tybalt@example.org", "example.net", "paris@example.org",
                                        "tybalt@example.org"};
  ASSERT_TRUE(bl.add(u_, h_, add).has_value());
  EXPECT_EQ(*bl.list(u_, h_),
            (std::vector<std::string>{"example.net", "paris@example.org", "tybalt@example.org"}));
  EXPECT_TRUE(*bl.isBlocked(u_, h_, "paris@example.org"));
  EXPECT_FALSE(*bl.isBlocked(u_, h_, "romeo@example.org"));
  EXPECT_FALSE(*bl.isBlocked("romeo", h_, "paris@example.org"));

  const std::vector<std::string> again = {"paris@example.org"};
  ASSERT_TRUE(bl.add(u_, h_, again).has_value());  // already blocked: kept once
  EXPECT_EQ(bl.list(u_, h_)->size(), 3U);

  const std::vector<std::string> unblock = {"paris@example.org", "nobody@example.org"};
  ASSERT_TRUE(bl.remove(u_, h_, unblock).has_value());
  EXPECT_FALSE(*bl.isBlocked(u_, h_, "paris@example.org"));
  EXPECT_EQ(bl.list(u_, h_)->size(), 2U);

  ASSERT_TRUE(bl.clear(u_, h_).has_value());
  EXPECT_TRUE(bl.list(u_, h_)->empty());
}

TEST_F(UserDataTest, BlocklistCapIsAllOrNothing) {
  Limits limits;
  limits.blocklistPerUser = 3;
  testing::TempDir dir;
  auto s = testing::openIn(dir, limits);
  ASSERT_TRUE(s->accounts().create(u_, h_, testing::credentials()).has_value());
  auto& bl = s->blocklist();
  const std::vector<std::string> two = {"a@x.example", "b@x.example"};
  ASSERT_TRUE(bl.add(u_, h_, two).has_value());
  const std::vector<std::string> twoMore = {"b@x.example", "c@x.example", "d@x.example"};
  auto r = bl.add(u_, h_, twoMore);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kQuota);
  EXPECT_EQ(bl.list(u_, h_)->size(), 2U);  // nothing of the refused call was added
  const std::vector<std::string> oneMore = {"a@x.example", "c@x.example"};
  EXPECT_TRUE(bl.add(u_, h_, oneMore).has_value());
  EXPECT_EQ(bl.list(u_, h_)->size(), 3U);
}

TEST_F(UserDataTest, BlocklistRefusesBadJidsAtomically) {
  auto& bl = storage_->blocklist();
  const std::vector<std::string> mixed = {"ok@x.example", std::string(5000, 'j')};
  EXPECT_EQ(bl.add(u_, h_, mixed).error().code, errc::kInvalid);
  EXPECT_TRUE(bl.list(u_, h_)->empty());
  EXPECT_EQ(bl.isBlocked(u_, h_, "").error().code, errc::kInvalid);
  const std::vector<std::string> one = {"a@x.example"};
  EXPECT_EQ(bl.add("tybalt", h_, one).error().code, errc::kNotFound);
  EXPECT_EQ(bl.isBlocked("tybalt", h_, "a@x.example").error().code, errc::kNotFound);
  EXPECT_EQ(bl.list("tybalt", h_).error().code, errc::kNotFound);
  EXPECT_EQ(bl.clear("tybalt", h_).error().code, errc::kNotFound);
}

// Private data --------------------------------------------------------------

TEST_F(UserDataTest, PrivateDataPutGetListRemove) {
  auto& p = storage_->privateData();
  EXPECT_FALSE(p.get(u_, h_, "urn:xmpp:bookmarks:1", "room1")->has_value());
  ASSERT_TRUE(p.put(u_, h_, "urn:xmpp:bookmarks:1", "room2", "<b2/>").has_value());
  ASSERT_TRUE(p.put(u_, h_, "urn:xmpp:bookmarks:1", "room1", "<b1/>").has_value());
  ASSERT_TRUE(p.put(u_, h_, "jabber:iq:private", "room1", "other").has_value());
  EXPECT_EQ(**p.get(u_, h_, "urn:xmpp:bookmarks:1", "room1"), "<b1/>");

  ASSERT_TRUE(p.put(u_, h_, "urn:xmpp:bookmarks:1", "room1", "<b1 v='2'/>").has_value());
  auto list = p.list(u_, h_, "urn:xmpp:bookmarks:1");
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(*list, (std::vector<PrivateEntry>{{"room1", "<b1 v='2'/>"}, {"room2", "<b2/>"}}));
  EXPECT_EQ(p.list(u_, h_, "jabber:iq:private")->size(), 1U);
  EXPECT_TRUE(p.list("romeo", h_, "urn:xmpp:bookmarks:1")->empty());

  EXPECT_TRUE(*p.remove(u_, h_, "urn:xmpp:bookmarks:1", "room1"));
  EXPECT_FALSE(*p.remove(u_, h_, "urn:xmpp:bookmarks:1", "room1"));
  EXPECT_EQ(p.list(u_, h_, "urn:xmpp:bookmarks:1")->size(), 1U);
}

TEST_F(UserDataTest, PrivateValuesAreBinarySafe) {
  auto& p = storage_->privateData();
  const std::string bytes("\0\x01\xFF\xFE\0z", 6);
  ASSERT_TRUE(p.put(u_, h_, "ns", "bin", bytes).has_value());
  EXPECT_EQ(**p.get(u_, h_, "ns", "bin"), bytes);
  ASSERT_TRUE(p.put(u_, h_, "ns", "empty", "").has_value());
  auto empty = p.get(u_, h_, "ns", "empty");
  ASSERT_TRUE(empty->has_value());  // present, and empty
  EXPECT_EQ(**empty, "");
}

TEST_F(UserDataTest, PrivateBytesPerUserAreCapped) {
  Limits limits;
  limits.privateBytesPerUser = 100;
  testing::TempDir dir;
  auto s = testing::openIn(dir, limits);
  ASSERT_TRUE(s->accounts().create(u_, h_, testing::credentials()).has_value());
  auto& p = s->privateData();
  ASSERT_TRUE(p.put(u_, h_, "a", "k", std::string(60, 'v')).has_value());
  ASSERT_TRUE(p.put(u_, h_, "b", "k", std::string(40, 'v')).has_value());
  EXPECT_EQ(p.put(u_, h_, "c", "k", "x").error().code, errc::kQuota);
  // Replacing a value counts only the difference.
  EXPECT_EQ(p.put(u_, h_, "a", "k", std::string(61, 'v')).error().code, errc::kQuota);
  EXPECT_TRUE(p.put(u_, h_, "a", "k", std::string(59, 'w')).has_value());
  EXPECT_TRUE(p.put(u_, h_, "c", "k", "x").has_value());
  EXPECT_EQ(**p.get(u_, h_, "a", "k"), std::string(59, 'w'));
}

TEST_F(UserDataTest, PrivateDataLimits) {
  Limits limits;
  limits.privateEntriesPerUser = 2;
  limits.privateValueBytes = 100;
  testing::TempDir dir;
  auto s = testing::openIn(dir, limits);
  ASSERT_TRUE(s->accounts().create(u_, h_, testing::credentials()).has_value());
  auto& p = s->privateData();
  EXPECT_EQ(p.put(u_, h_, "ns", "k", std::string(101, 'v')).error().code, errc::kInvalid);
  ASSERT_TRUE(p.put(u_, h_, "ns", "k1", std::string(100, 'v')).has_value());
  ASSERT_TRUE(p.put(u_, h_, "other", "k2", "v").has_value());
  EXPECT_EQ(p.put(u_, h_, "ns", "k3", "v").error().code, errc::kQuota);
  EXPECT_TRUE(p.put(u_, h_, "ns", "k1", "replaced").has_value());  // not a new entry
  EXPECT_EQ(p.put(u_, h_, "", "k", "v").error().code, errc::kInvalid);
  EXPECT_EQ(p.put(u_, h_, "ns", "", "v").error().code, errc::kInvalid);
  EXPECT_EQ(p.put(u_, h_, "ns", std::string(1024, 'k'), "v").error().code, errc::kInvalid);
  EXPECT_EQ(p.get("tybalt", h_, "ns", "k1").error().code, errc::kNotFound);
  EXPECT_EQ(p.put("tybalt", h_, "ns", "k1", "v").error().code, errc::kNotFound);
  EXPECT_EQ(p.list("tybalt", h_, "ns").error().code, errc::kNotFound);
  EXPECT_EQ(p.remove("tybalt", h_, "ns", "k1").error().code, errc::kNotFound);
}

}  // namespace
}  // namespace keyfed::storage
