// Explicit PEP subscriptions: idempotent subscribe, the per-node and
// per-account caps, lookups by node and by subscriber, and removal with the
// node, with the account and by unsubscribe; what survives reopening.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::StorageTest;

class PepSubscriptionsTest : public StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    for (const char* node : {"a", "b"}) {
      ASSERT_TRUE(pep().putNode(u_, h_, PepNode{node, ""}, 10).has_value());
    }
  }
  PepStore& pep() { return storage_->pep(); }
  Result<> subscribe(std::string_view node, std::string_view jid, std::size_t perNode = 10,
                     std::size_t perAccount = 10) {
    return pep().subscribe(u_, h_, node, jid, perNode, perAccount);
  }
  const std::string u_ = "juliet";
  const std::string h_ = "example.org";
};

TEST_F(PepSubscriptionsTest, SubscribingTwiceKeepsOneSubscription) {
  ASSERT_TRUE(subscribe("a", "romeo@example.org").has_value());
  ASSERT_TRUE(subscribe("a", "romeo@example.org").has_value());
  ASSERT_TRUE(subscribe("a", "nurse@example.net/phone").has_value());
  auto list = pep().subscriptions(u_, h_, "a");
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  EXPECT_EQ(*list, (std::vector<PepSubscription>{{"a", "nurse@example.net/phone"},
                                                 {"a", "romeo@example.org"}}));
  EXPECT_TRUE(pep().subscriptions(u_, h_, "b")->empty());
}

TEST_F(PepSubscriptionsTest, ASubscriberFindsItsBareAndFullSubscriptions) {
  ASSERT_TRUE(subscribe("b", "romeo@example.org/pc").has_value());
  ASSERT_TRUE(subscribe("a", "romeo@example.org").has_value());
  ASSERT_TRUE(subscribe("a", "romeo@example.org.evil/pc").has_value());
  auto mine = pep().subscriptionsOf(u_, h_, "romeo@example.org");
  ASSERT_TRUE(mine.has_value()) << mine.error().describe();
  EXPECT_EQ(*mine, (std::vector<PepSubscription>{{"a", "romeo@example.org"},
                                                 {"b", "romeo@example.org/pc"}}));
}

TEST_F(PepSubscriptionsTest, TheCapsCountNewSubscriptionsOnly) {
  ASSERT_TRUE(subscribe("a", "x@example.org", 2, 3).has_value());
  ASSERT_TRUE(subscribe("a", "y@example.org", 2, 3).has_value());
  EXPECT_EQ(subscribe("a", "z@example.org", 2, 3).error().code, errc::kQuota);
  EXPECT_TRUE(subscribe("a", "y@example.org", 2, 3).has_value());
  ASSERT_TRUE(subscribe("b", "x@example.org", 2, 3).has_value());
  // The account's nodes together hold 3: the per-account cap refuses the 4th.
  EXPECT_EQ(subscribe("b", "y@example.org", 2, 3).error().code, errc::kQuota);
  // Another account has its own caps.
  ASSERT_TRUE(pep().putNode("romeo", h_, PepNode{"a", ""}, 10).has_value());
  EXPECT_TRUE(pep().subscribe("romeo", h_, "a", "z@example.org", 2, 3).has_value());
}

TEST_F(PepSubscriptionsTest, MissingNodeOrAccountAndBadJidsAreRefused) {
  EXPECT_EQ(subscribe("missing", "romeo@example.org").error().code, errc::kNotFound);
  EXPECT_EQ(pep().subscribe("nobody", h_, "a", "romeo@example.org", 10, 10).error().code,
            errc::kNotFound);
  EXPECT_EQ(subscribe("a", "").error().code, errc::kInvalid);
  EXPECT_EQ(subscribe("a", std::string(4000, 'x')).error().code, errc::kInvalid);
  EXPECT_EQ(subscribe("a", std::string("x\0y", 3)).error().code, errc::kInvalid);
}

TEST_F(PepSubscriptionsTest, UnsubscribeSaysWhetherThereWasOne) {
  ASSERT_TRUE(subscribe("a", "romeo@example.org").has_value());
  EXPECT_TRUE(*pep().unsubscribe(u_, h_, "a", "romeo@example.org"));
  EXPECT_FALSE(*pep().unsubscribe(u_, h_, "a", "romeo@example.org"));
  EXPECT_TRUE(pep().subscriptions(u_, h_, "a")->empty());
}

TEST_F(PepSubscriptionsTest, SubscriptionsGoWithTheirNodeAndAccount) {
  ASSERT_TRUE(subscribe("a", "romeo@example.org").has_value());
  ASSERT_TRUE(subscribe("b", "romeo@example.org").has_value());
  // Reconfiguring a node keeps them.
  ASSERT_TRUE(pep().putNode(u_, h_, PepNode{"a", "x=y\n"}, 10).has_value());
  EXPECT_EQ(pep().subscriptions(u_, h_, "a")->size(), 1U);
  ASSERT_TRUE(*pep().removeNode(u_, h_, "a"));
  EXPECT_TRUE(pep().subscriptions(u_, h_, "a")->empty());
  // A node created again under the same name starts without subscribers.
  ASSERT_TRUE(pep().putNode(u_, h_, PepNode{"a", ""}, 10).has_value());
  EXPECT_TRUE(pep().subscriptions(u_, h_, "a")->empty());
  EXPECT_EQ(pep().subscriptionsOf(u_, h_, "romeo@example.org")->size(), 1U);

  ASSERT_TRUE(storage_->accounts().remove(u_, h_).has_value());
  ASSERT_TRUE(storage_->accounts().create(u_, h_, testing::credentials(3)).has_value());
  ASSERT_TRUE(pep().putNode(u_, h_, PepNode{"b", ""}, 10).has_value());
  EXPECT_TRUE(pep().subscriptions(u_, h_, "b")->empty());
}

TEST_F(PepSubscriptionsTest, SubscriptionsSurviveReopening) {
  ASSERT_TRUE(subscribe("a", "romeo@example.org/pc").has_value());
  storage_.reset();
  storage_ = testing::openIn(dir_);
  ASSERT_NE(storage_, nullptr);
  EXPECT_EQ(*pep().subscriptions(u_, h_, "a"),
            (std::vector<PepSubscription>{{"a", "romeo@example.org/pc"}}));
}

}  // namespace
}  // namespace keyfed::storage
