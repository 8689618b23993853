// The pure state machine: what the Appendix A table (subscription_table_test)
// does not show, namely which items become visible on the roster.
#include <gtest/gtest.h>

#include "../src/subscription_state.hpp"

namespace keyfed::modules::roster {
namespace {

storage::RosterItem stranger() {
  storage::RosterItem item;
  item.jid = "stranger@remote.test";
  item.listed = false;
  return item;
}

TEST(SubscriptionState, OnlyTheFourSubscriptionTypesParse) {
  EXPECT_EQ(parseSubscriptionType("subscribe"), SubscriptionType::subscribe);
  EXPECT_EQ(parseSubscriptionType("unsubscribed"), SubscriptionType::unsubscribed);
  EXPECT_FALSE(parseSubscriptionType("probe"));
  EXPECT_FALSE(parseSubscriptionType("Subscribe"));
  EXPECT_FALSE(parseSubscriptionType(""));
}

TEST(SubscriptionState, AStrangersRequestStaysOffTheRosterUntilTheUserAnswers) {
  auto item = stranger();
  auto t = applyInbound(item, SubscriptionType::subscribe, "<presence/>");
  EXPECT_TRUE(t.changed && t.forward);
  EXPECT_FALSE(item.listed);
  EXPECT_EQ(item.pendingInStanza, "<presence/>");

  auto approved = item;
  t = applyOutbound(approved, SubscriptionType::subscribed);
  EXPECT_TRUE(t.forward && t.fromGranted);
  EXPECT_TRUE(approved.listed);  // RFC 6121 3.1.5: the contact joins the roster
  EXPECT_TRUE(approved.pendingInStanza.empty());

  auto refused = item;
  t = applyOutbound(refused, SubscriptionType::unsubscribed);
  EXPECT_TRUE(t.forward);
  EXPECT_FALSE(refused.listed);
  EXPECT_TRUE(hasNoState(refused));  // nothing left: the item is deleted

  auto withdrawn = item;
  t = applyInbound(withdrawn, SubscriptionType::unsubscribe);
  EXPECT_TRUE(t.forward);
  EXPECT_TRUE(hasNoState(withdrawn));
}

TEST(SubscriptionState, SubscribingAndPreApprovingPutTheContactOnTheRoster) {
  auto subscribed = stranger();
  applyOutbound(subscribed, SubscriptionType::subscribe);
  EXPECT_TRUE(subscribed.listed);

  auto preApproved = stranger();
  auto t = applyOutbound(preApproved, SubscriptionType::subscribed);
  EXPECT_TRUE(t.changed);
  EXPECT_FALSE(t.forward);
  EXPECT_TRUE(preApproved.listed && preApproved.approved);
  // Pre-approving twice changes nothing.
  EXPECT_FALSE(applyOutbound(preApproved, SubscriptionType::subscribed).changed);
}

TEST(SubscriptionState, RevokingFromAsksForUnavailableAndGrantingForPresence) {
  storage::RosterItem item;
  item.jid = "c@remote.test";
  item.subscription = storage::Subscription::both;
  EXPECT_TRUE(applyOutbound(item, SubscriptionType::unsubscribed).fromRevoked);
  item.subscription = storage::Subscription::from;
  EXPECT_TRUE(applyInbound(item, SubscriptionType::unsubscribe).fromRevoked);
  item.pendingIn = true;
  EXPECT_TRUE(applyOutbound(item, SubscriptionType::subscribed).fromGranted);
}

TEST(SubscriptionState, StateNamesFollowAppendixA) {
  storage::RosterItem item;
  EXPECT_EQ(stateName(item), "None");
  item.askOut = item.pendingIn = true;
  EXPECT_EQ(stateName(item), "None + Pending Out/In");
  item = {};
  item.subscription = storage::Subscription::to;
  item.pendingIn = true;
  item.approved = true;
  EXPECT_EQ(stateName(item), "To + Pending In + Pre-Approved");
}

}  // namespace
}  // namespace keyfed::modules::roster
