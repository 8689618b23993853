// RFC 6121 Appendix A, row by row, through a running server: alice is the
// local user, contact@remote.test the contact (its stanzas arrive as from an
// s2s stream, alice's leave through route/remote). Each row checks the new
// state, whether the stanza travelled on (routed to the contact / delivered to
// alice's available resource), and that a change is pushed exactly once.
#include <ostream>

#include "../src/subscription_state.hpp"
#include "im_test_support.hpp"

namespace keyfed::modules::testing {
namespace {

enum class Direction { outbound, inbound };

struct Row {
  Direction direction;
  const char* type;
  const char* before;
  bool forwarded;
  const char* after;
};

std::ostream& operator<<(std::ostream& os, const Row& row) {
  return os << (row.direction == Direction::outbound ? "outbound " : "inbound ") << row.type
            << " in '" << row.before << "'";
}

// The item for a state name as Appendix A writes it (plus "+ Pre-Approved").
storage::RosterItem itemIn(std::string_view state) {
  storage::RosterItem item;
  item.jid = std::string(kRemote);
  using storage::Subscription;
  if (state.starts_with("To")) item.subscription = Subscription::to;
  if (state.starts_with("From")) item.subscription = Subscription::from;
  if (state.starts_with("Both")) item.subscription = Subscription::both;
  if (state.find("Pending Out/In") != std::string_view::npos) {
    item.askOut = item.pendingIn = true;
  } else {
    item.askOut = state.find("Pending Out") != std::string_view::npos;
    item.pendingIn = state.find("Pending In") != std::string_view::npos;
  }
  item.approved = state.find("Pre-Approved") != std::string_view::npos;
  return item;
}

constexpr Direction out = Direction::outbound;
constexpr Direction in = Direction::inbound;

const Row kRows[] = {
    // A.2.1 outbound subscribe: always routed.
    {out, "subscribe", "None", true, "None + Pending Out"},
    {out, "subscribe", "None + Pending Out", true, "None + Pending Out"},
    {out, "subscribe", "None + Pending In", true, "None + Pending Out/In"},
    {out, "subscribe", "None + Pending Out/In", true, "None + Pending Out/In"},
    {out, "subscribe", "To", true, "To"},
    {out, "subscribe", "To + Pending In", true, "To + Pending In"},
    {out, "subscribe", "From", true, "From + Pending Out"},
    {out, "subscribe", "From + Pending Out", true, "From + Pending Out"},
    {out, "subscribe", "Both", true, "Both"},
    // A.2.2 outbound unsubscribe: always routed.
    {out, "unsubscribe", "None", true, "None"},
    {out, "unsubscribe", "None + Pending Out", true, "None"},
    {out, "unsubscribe", "None + Pending In", true, "None + Pending In"},
    {out, "unsubscribe", "None + Pending Out/In", true, "None + Pending In"},
    {out, "unsubscribe", "To", true, "None"},
    {out, "unsubscribe", "To + Pending In", true, "None + Pending In"},
    {out, "unsubscribe", "From", true, "From"},
    {out, "unsubscribe", "From + Pending Out", true, "From"},
    {out, "unsubscribe", "Both", true, "From"},
    // A.2.3 outbound subscribed; without a pending request it is a
    // pre-approval (RFC 6121 3.4), kept and not routed.
    {out, "subscribed", "None", false, "None + Pre-Approved"},
    {out, "subscribed", "None + Pending Out", false, "None + Pending Out + Pre-Approved"},
    {out, "subscribed", "None + Pending In", true, "From"},
    {out, "subscribed", "None + Pending Out/In", true, "From + Pending Out"},
    {out, "subscribed", "To", false, "To + Pre-Approved"},
    {out, "subscribed", "To + Pending In", true, "Both"},
    {out, "subscribed", "From", false, "From"},
    {out, "subscribed", "From + Pending Out", false, "From + Pending Out"},
    {out, "subscribed", "Both", false, "Both"},
    // A.2.4 outbound unsubscribed; it also cancels a pre-approval.
    {out, "unsubscribed", "None", false, "None"},
    {out, "unsubscribed", "None + Pending Out", false, "None + Pending Out"},
    {out, "unsubscribed", "None + Pending In", true, "None"},
    {out, "unsubscribed", "None + Pending Out/In", true, "None + Pending Out"},
    {out, "unsubscribed", "To", false, "To"},
    {out, "unsubscribed", "To + Pending In", true, "To"},
    {out, "unsubscribed", "From", true, "None"},
    {out, "unsubscribed", "From + Pending Out", true, "None + Pending Out"},
    {out, "unsubscribed", "Both", true, "To"},
    {out, "unsubscribed", "None + Pre-Approved", false, "None"},
    // A.3.1 inbound subscribe; 'From' states are answered for the user.
    {in, "subscribe", "None", true, "None + Pending In"},
    {in, "subscribe", "None + Pending Out", true, "None + Pending Out/In"},
    {in, "subscribe", "None + Pending In", false, "None + Pending In"},
    {in, "subscribe", "None + Pending Out/In", false, "None + Pending Out/In"},
    {in, "subscribe", "To", true, "To + Pending In"},
    {in, "subscribe", "To + Pending In", false, "To + Pending In"},
    {in, "subscribe", "From", false, "From"},
    {in, "subscribe", "From + Pending Out", false, "From + Pending Out"},
    {in, "subscribe", "Both", false, "Both"},
    // RFC 6121 3.4: a pre-approved request is granted without asking the user.
    {in, "subscribe", "None + Pre-Approved", false, "From"},
    {in, "subscribe", "None + Pending Out + Pre-Approved", false, "From + Pending Out"},
    {in, "subscribe", "To + Pre-Approved", false, "Both"},
    // A.3.2 inbound subscribed.
    {in, "subscribed", "None", false, "None"},
    {in, "subscribed", "None + Pending Out", true, "To"},
    {in, "subscribed", "None + Pending In", false, "None + Pending In"},
    {in, "subscribed", "None + Pending Out/In", true, "To + Pending In"},
    {in, "subscribed", "To", false, "To"},
    {in, "subscribed", "To + Pending In", false, "To + Pending In"},
    {in, "subscribed", "From", false, "From"},
    {in, "subscribed", "From + Pending Out", true, "Both"},
    {in, "subscribed", "Both", false, "Both"},
    // A.3.3 inbound unsubscribe.
    {in, "unsubscribe", "None", false, "None"},
    {in, "unsubscribe", "None + Pending Out", false, "None + Pending Out"},
    {in, "unsubscribe", "None + Pending In", true, "None"},
    {in, "unsubscribe", "None + Pending Out/In", true, "None + Pending Out"},
    {in, "unsubscribe", "To", false, "To"},
    {in, "unsubscribe", "To + Pending In", true, "To"},
    {in, "unsubscribe", "From", true, "None"},
    {in, "unsubscribe", "From + Pending Out", true, "None + Pending Out"},
    {in, "unsubscribe", "Both", true, "To"},
    // A.3.4 inbound unsubscribed.
    {in, "unsubscribed", "None", false, "None"},
    {in, "unsubscribed", "None + Pending Out", true, "None"},
    {in, "unsubscribed", "None + Pending In", false, "None + Pending In"},
    {in, "unsubscribed", "None + Pending Out/In", true, "None + Pending In"},
    {in, "unsubscribed", "To", true, "None"},
    {in, "unsubscribed", "To + Pending In", true, "None + Pending In"},
    {in, "unsubscribed", "From", false, "From"},
    {in, "unsubscribed", "From + Pending Out", true, "From"},
    {in, "unsubscribed", "Both", true, "From"},
};

class AppendixA : public ImTest, public ::testing::WithParamInterface<Row> {};

TEST_P(AppendixA, StateRoutingAndPush) {
  const Row& row = GetParam();
  seed("alice", itemIn(row.before));
  ASSERT_EQ(roster::stateName(*item("alice", kRemote)), row.before);
  auto alice = login("alice", "home");
  takeRemote();  // probes and presence caused by alice's login

  if (row.direction == Direction::outbound) {
    alice->sendToServer(presence(std::string(kRemote) + "/phone", row.type));
  } else {
    fromRemote(presence(kAlice, row.type), std::string(kRemote) + "/phone");
  }

  auto stored = item("alice", kRemote);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(roster::stateName(*stored), row.after);

  auto got = alice->take();
  auto sent = takeRemote();
  std::vector<xml::Element> forwarded;
  if (row.direction == Direction::outbound) {
    forwarded = presences(sent, row.type);
    for (const auto& p : forwarded) {
      // RFC 6121 3.1.2: stamped with both bare JIDs.
      EXPECT_EQ(p.attr("from"), kAlice);
      EXPECT_EQ(p.attr("to"), kRemote);
    }
  } else {
    forwarded = presences(got, row.type);
    for (const auto& p : forwarded) {
      EXPECT_EQ(p.attr("from"), kRemote);
    }
  }
  EXPECT_EQ(forwarded.size(), row.forwarded ? 1U : 0U);

  const bool changed = std::string_view(row.before) != row.after;
  auto pushed = pushes(got);
  ASSERT_EQ(pushed.size(), changed ? 1U : 0U);
  if (changed) {
    EXPECT_EQ(pushedItem(pushed[0])->attr("jid"), kRemote);
  }

  if (row.direction == Direction::inbound && std::string_view(row.type) == "subscribe") {
    // Answered on alice's behalf when the contact has (or was granted) 'from'.
    const std::string_view after = row.after;
    const bool autoReply = after.starts_with("From") || after.starts_with("Both");
    EXPECT_EQ(presences(sent, "subscribed").size(), autoReply ? 1U : 0U);
  }
}

INSTANTIATE_TEST_SUITE_P(Rfc6121, AppendixA, ::testing::ValuesIn(kRows));

}  // namespace
}  // namespace keyfed::modules::testing
