// XEP-0357 push registrations: keyed by (service, node), the per-user cap,
// disabling a whole service, limits, and what survives reopening.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::storage {
namespace {

using testing::StorageTest;

class PushTest : public StorageTest {
 protected:
  PushStore& push() { return storage_->push(); }
  const std::string u_ = "juliet";
  const std::string h_ = "example.org";
};

TEST_F(PushTest, PutReplacesOptionsOfTheSameServiceAndNode) {
  ASSERT_TRUE(push().put(u_, h_, {"push.example.net", "n1", ""}, 5).has_value());
  ASSERT_TRUE(push().put(u_, h_, {"app.example.net", "n2", "<x/>"}, 5).has_value());
  ASSERT_TRUE(push().put(u_, h_, {"push.example.net", "n1", "<x type='submit'/>"}, 5).has_value());
  auto list = push().list(u_, h_);
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  EXPECT_EQ(*list,
            (std::vector<PushRegistration>{{"app.example.net", "n2", "<x/>"},
                                           {"push.example.net", "n1", "<x type='submit'/>"}}));
  EXPECT_TRUE(push().list("romeo", h_)->empty());
}

TEST_F(PushTest, TheCapCountsNewRegistrationsOnly) {
  ASSERT_TRUE(push().put(u_, h_, {"push.example.net", "a", ""}, 2).has_value());
  ASSERT_TRUE(push().put(u_, h_, {"push.example.net", "b", ""}, 2).has_value());
  EXPECT_EQ(push().put(u_, h_, {"push.example.net", "c", ""}, 2).error().code, errc::kQuota);
  EXPECT_TRUE(push().put(u_, h_, {"push.example.net", "b", "<x/>"}, 2).has_value());
  // Another account has its own cap.
  EXPECT_TRUE(push().put("romeo", h_, {"push.example.net", "c", ""}, 2).has_value());
}

TEST_F(PushTest, RemoveOneNodeOrAWholeService) {
  for (const char* node : {"a", "b", "c"}) {
    ASSERT_TRUE(push().put(u_, h_, {"push.example.net", node, ""}, 5).has_value());
  }
  ASSERT_TRUE(push().put(u_, h_, {"other.example.net", "a", ""}, 5).has_value());
  EXPECT_EQ(push().remove(u_, h_, "push.example.net", "b").value(), 1U);
  EXPECT_EQ(push().remove(u_, h_, "push.example.net", "b").value(), 0U);
  EXPECT_EQ(push().remove(u_, h_, "push.example.net", "").value(), 2U);
  EXPECT_EQ(*push().list(u_, h_), (std::vector<PushRegistration>{{"other.example.net", "a", ""}}));
}

TEST_F(PushTest, RefusesBadInputAndUnknownAccounts) {
  const auto& limits = storage_->limits();
  EXPECT_EQ(push().put(u_, h_, {"", "n", ""}, 5).error().code, errc::kInvalid);
  EXPECT_EQ(push().put(u_, h_, {"push.example.net", "", ""}, 5).error().code, errc::kInvalid);
  EXPECT_EQ(
      push()
          .put(u_, h_, {"push.example.net", std::string(limits.pushNodeBytes + 1, 'n'), ""}, 5)
          .error()
          .code,
      errc::kInvalid);
  EXPECT_EQ(
      push()
          .put(u_, h_, {"push.example.net", "n", std::string(limits.pushOptionsBytes + 1, 'x')}, 5)
          .error()
          .code,
      errc::kInvalid);
  EXPECT_EQ(push().put(u_, h_, {"push.example.net", "n\xFF", ""}, 5).error().code, errc::kInvalid);
  EXPECT_TRUE(push().list(u_, h_)->empty());
  EXPECT_EQ(push().list("tybalt", h_).error().code, errc::kNotFound);
  EXPECT_EQ(push().put("tybalt", h_, {"push.example.net", "n", ""}, 5).error().code,
            errc::kNotFound);
  EXPECT_EQ(push().remove("tybalt", h_, "push.example.net", "").error().code, errc::kNotFound);
}

TEST_F(PushTest, RegistrationsSurviveReopeningAndLeaveWithTheAccount) {
  ASSERT_TRUE(push().put(u_, h_, {"push.example.net", "n", "<x/>"}, 5).has_value());
  storage_.reset();
  storage_ = testing::openIn(dir_);
  ASSERT_NE(storage_, nullptr);
  EXPECT_EQ(*push().list(u_, h_),
            (std::vector<PushRegistration>{{"push.example.net", "n", "<x/>"}}));
  ASSERT_TRUE(storage_->accounts().remove(u_, h_).has_value());
  ASSERT_TRUE(storage_->accounts().create(u_, h_, testing::credentials(3)).has_value());
  EXPECT_TRUE(push().list(u_, h_)->empty());
}

}  // namespace
}  // namespace keyfed::storage
