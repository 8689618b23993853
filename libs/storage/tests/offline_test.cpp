// XEP-0160 offline messages: stored in order, taken atomically, capped per user.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::StorageTest;
using namespace std::chrono_literals;

class OfflineTest : public StorageTest {
 protected:
  OfflineStore& offline() { return storage_->offline(); }
  const std::string u_ = "juliet";
  const std::string h_ = "example.org";
};

std::string message(int i) {
  return "<message from='romeo@example.org/r' to='juliet@example.org' type='chat'><body>" +
         std::to_string(i) + "</body></message>";
}

TEST_F(OfflineTest, TakeReturnsAllInOrderAndEmptiesTheQueue) {
  for (int i = 0; i < 5; ++i) {
    auto r = offline().store(u_, h_, message(i), base::SystemTime{std::chrono::seconds{1000 + i}});
    ASSERT_TRUE(r.has_value()) << r.error().describe();
  }
  EXPECT_EQ(*offline().count(u_, h_), 5U);
  auto taken = offline().take(u_, h_);
  ASSERT_TRUE(taken.has_value());
  ASSERT_EQ(taken->size(), 5U);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ((*taken)[i].stanza, message(i));
    EXPECT_EQ((*taken)[i].stamp, base::SystemTime{std::chrono::seconds{1000 + i}});
  }
  EXPECT_EQ(*offline().count(u_, h_), 0U);
  EXPECT_TRUE(offline().take(u_, h_)->empty());
}

TEST_F(OfflineTest, StampsKeepSecondPrecision) {
  const auto stamp = base::SystemTime{1'700'000'123s} + 750ms;
  ASSERT_TRUE(offline().store(u_, h_, message(1), stamp).has_value());
  EXPECT_EQ(offline().take(u_, h_)->at(0).stamp, base::SystemTime{1'700'000'123s});
}

TEST_F(OfflineTest, QueuesArePerUser) {
  ASSERT_TRUE(offline().store(u_, h_, message(1), {}).has_value());
  ASSERT_TRUE(offline().store("romeo", h_, message(2), {}).has_value());
  auto juliet = offline().take(u_, h_);
  ASSERT_EQ(juliet->size(), 1U);
  EXPECT_EQ(juliet->at(0).stanza, message(1));
  EXPECT_EQ(*offline().count("romeo", h_), 1U);
}

TEST_F(OfflineTest, CapPerUserGivesQuotaExceeded) {
  Limits limits;
  limits.offlinePerUser = 3;
  testing::TempDir dir;
  auto s = testing::openIn(dir, limits);
  ASSERT_TRUE(s->accounts().create(u_, h_, testing::credentials()).has_value());
  ASSERT_TRUE(s->accounts().create("romeo", h_, testing::credentials()).has_value());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s->offline().store(u_, h_, message(i), {}).has_value());
  auto full = s->offline().store(u_, h_, message(3), {});
  ASSERT_FALSE(full.has_value());
  EXPECT_EQ(full.error().code, errc::kQuota);
  EXPECT_EQ(*s->offline().count(u_, h_), 3U);
  // Another user is not affected; taking frees the space.
  EXPECT_TRUE(s->offline().store("romeo", h_, message(9), {}).has_value());
  EXPECT_EQ(s->offline().take(u_, h_)->size(), 3U);
  EXPECT_TRUE(s->offline().store(u_, h_, message(4), {}).has_value());
}

TEST_F(OfflineTest, BytesPerUserAreCappedToo) {
  Limits limits;
  limits.offlineBytesPerUser = 1000;
  testing::TempDir dir;
  auto s = testing::openIn(dir, limits);
  ASSERT_TRUE(s->accounts().create(u_, h_, testing::credentials()).has_value());
  ASSERT_TRUE(s->offline().store(u_, h_, std::string(600, 'a'), {}).has_value());
  ASSERT_TRUE(s->offline().store(u_, h_, std::string(400, 'b'), {}).has_value());  // exactly full
  auto full = s->offline().store(u_, h_, "c", {});
  ASSERT_FALSE(full.has_value());
  EXPECT_EQ(full.error().code, errc::kQuota);
  EXPECT_NE(full.error().message.find("1000 bytes"), std::string::npos);
  EXPECT_EQ(s->offline().take(u_, h_)->size(), 2U);
  EXPECT_TRUE(s->offline().store(u_, h_, std::string(1000, 'd'), {}).has_value());
}

TEST_F(OfflineTest, ZeroCapDisablesOfflineStorage) {
  Limits limits;
  limits.offlinePerUser = 0;
  testing::TempDir dir;
  auto s = testing::openIn(dir, limits);
  ASSERT_TRUE(s->accounts().create(u_, h_, testing::credentials()).has_value());
  EXPECT_EQ(s->offline().store(u_, h_, message(0), {}).error().code, errc::kQuota);
}

TEST_F(OfflineTest, UnknownAccountIsNotFound) {
  EXPECT_EQ(offline().store("tybalt", h_, message(0), {}).error().code, errc::kNotFound);
  EXPECT_EQ(offline().take("tybalt", h_).error().code, errc::kNotFound);
  EXPECT_EQ(offline().count("tybalt", h_).error().code, errc::kNotFound);
}

TEST_F(OfflineTest, OversizedOrMalformedStanzasAreRefused) {
  const std::string huge(storage_->limits().offlineStanzaBytes + 1, 'x');
  for (const std::string& bad :
       {huge, std::string(), std::string("<m>\0</m>", 8), std::string("<m>\xFF</m>")}) {
    auto r = offline().store(u_, h_, bad, {});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::kInvalid);
  }
  EXPECT_EQ(*offline().count(u_, h_), 0U);
  // Exactly at the limit is accepted.
  const std::string big(storage_->limits().offlineStanzaBytes, 'x');
  ASSERT_TRUE(offline().store(u_, h_, big, {}).has_value());
  EXPECT_EQ(offline().take(u_, h_)->at(0).stanza.size(), big.size());
}

}  // namespace
}  // namespace keyfed::storage
