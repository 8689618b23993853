// RFC 6121 sections 3 and 4 between local users, the way their clients see
// it: the subscription handshake, pre-approval, requests to offline users,
// presence broadcast, probes, directed presence and what disconnection does.
#include "../src/subscription_state.hpp"
#include "im_test_support.hpp"

namespace keyfed::modules::testing {
namespace {

using PresenceTest = ImTest;

std::string stateOf(std::optional<storage::RosterItem> item) {
  return item ? roster::stateName(*item) : "(no item)";
}

// The pushed item's attribute for `jid` in what a client received ("" if no push).
std::string pushedAttr(const std::vector<xml::Element>& got, std::string_view jid,
                       std::string_view attr) {
  std::string value;
  for (const auto& s : got) {
    const auto* item = pushedItem(s);
    if (item != nullptr && item->attr("jid") == jid) value = std::string(item->attr(attr));
  }
  return value;
}

std::size_t countFrom(const std::vector<xml::Element>& got, std::string_view from,
                      std::string_view type = {}) {
  std::size_t n = 0;
  for (const auto& p : presences(got)) {
    if (p.attr("from") == from && p.attr("type") == type) ++n;
  }
  return n;
}

TEST_F(PresenceTest, SubscriptionHandshakeInBothDirectionsEndsInBoth) {
  auto alice = login("alice", "a");
  auto bob = login("bob", "b");

  alice->sendToServer(presence("bob@example.test/b", "subscribe"));
  auto aliceGot = alice->take();
  EXPECT_EQ(pushedAttr(aliceGot, kBob, "ask"), "subscribe");
  auto bobGot = bob->take();
  auto requests = presences(bobGot, "subscribe");
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].attr("from"), kAlice);  // RFC 6121 3.1.2: from the bare JID
  EXPECT_TRUE(pushes(bobGot).empty());          // alice is not on bob's roster yet

  bob->sendToServer(presence(kAlice, "subscribed"));
  EXPECT_EQ(pushedAttr(bob->take(), kAlice, "subscription"), "from");
  aliceGot = alice->take();
  EXPECT_EQ(pushedAttr(aliceGot, kBob, "subscription"), "to");
  EXPECT_EQ(pushedAttr(aliceGot, kBob, "ask"), "");
  EXPECT_EQ(countFrom(aliceGot, kBob, "subscribed"), 1U);
  EXPECT_EQ(countFrom(aliceGot, "bob@example.test/b"), 1U);  // the new subscriber sees bob

  bob->sendToServer(presence(kAlice, "subscribe"));
  EXPECT_EQ(countFrom(alice->take(), kBob, "subscribe"), 1U);
  alice->sendToServer(presence(kBob, "subscribed"));
  EXPECT_EQ(pushedAttr(alice->take(), kBob, "subscription"), "both");
  bobGot = bob->take();
  EXPECT_EQ(pushedAttr(bobGot, kAlice, "subscription"), "both");
  EXPECT_EQ(countFrom(bobGot, "alice@example.test/a"), 1U);

  EXPECT_EQ(stateOf(item("alice", kBob)), "Both");
  EXPECT_EQ(stateOf(item("bob", kAlice)), "Both");

  // Unsubscribing: alice stops following bob, whose presence ends for her.
  alice->sendToServer(presence(kBob, "unsubscribe"));
  aliceGot = alice->take();
  EXPECT_EQ(pushedAttr(aliceGot, kBob, "subscription"), "from");
  EXPECT_EQ(countFrom(aliceGot, "bob@example.test/b", "unavailable"), 1U);
  bobGot = bob->take();
  EXPECT_EQ(pushedAttr(bobGot, kAlice, "subscription"), "to");
  EXPECT_EQ(countFrom(bobGot, kAlice, "unsubscribe"), 1U);
}

TEST_F(PresenceTest, ADeniedRequestLeavesNoTrace) {
  auto alice = login("alice", "a");
  auto bob = login("bob", "b");
  alice->sendToServer(presence(kBob, "subscribe"));
  bob->take();
  alice->take();
  bob->sendToServer(presence(kAlice, "unsubscribed"));
  auto aliceGot = alice->take();
  EXPECT_EQ(countFrom(aliceGot, kBob, "unsubscribed"), 1U);
  EXPECT_EQ(pushedAttr(aliceGot, kBob, "subscription"), "none");
  EXPECT_EQ(pushedAttr(aliceGot, kBob, "ask"), "");
  EXPECT_FALSE(item("bob", kAlice).has_value());  // the stranger's request is gone
  EXPECT_TRUE(pushes(bob->take()).empty());

  // Without a subscription alice does not see bob's presence.
  bob->sendToServer(withStatus(presence(), "busy"));
  EXPECT_TRUE(presences(alice->take()).empty());
}

TEST_F(PresenceTest, RequestsToAnOfflineUserWaitUntilAnswered) {
  auto alice = login("alice", "a");
  alice->sendToServer(withStatus(presence(kBob, "subscribe"), "It's alice"));
  {
    auto bob = login("bob", "b", /*online=*/false);
    EXPECT_TRUE(bob->take().empty());  // not available: nothing yet
    bob->goOnline();
    auto requests = presences(bob->take(), "subscribe");
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].attr("from"), kAlice);
    EXPECT_EQ(requests[0].childText("status", xmpp::ns::client), "It's alice");  // as sent
  }
  // Unanswered: delivered again at the next initial presence, to that resource.
  auto bob = login("bob", "b", /*online=*/false);
  auto other = login("bob", "other");
  EXPECT_EQ(presences(bob->take(), "subscribe").size(), 0U);
  bob->goOnline();
  EXPECT_EQ(presences(bob->take(), "subscribe").size(), 1U);
  EXPECT_EQ(presences(other->take(), "subscribe").size(), 0U);

  bob->sendToServer(presence(kAlice, "subscribed"));
  auto later = login("bob", "later", /*online=*/false);
  later->goOnline();
  EXPECT_EQ(presences(later->take(), "subscribe").size(), 0U);
}

TEST_F(PresenceTest, ARequestToAnAccountThatDoesNotExistIsRefused) {
  auto alice = login("alice", "a");
  alice->sendToServer(presence("nobody@example.test", "subscribe"));
  auto got = alice->take();
  EXPECT_EQ(countFrom(got, "nobody@example.test", "unsubscribed"), 1U);
  EXPECT_EQ(stateOf(item("alice", "nobody@example.test")), "None");
}

TEST_F(PresenceTest, PreApprovalGrantsTheRequestWithoutAskingTheUser) {
  auto bob = login("bob", "b");
  auto alice = login("alice", "a");
  bob->sendToServer(presence(kAlice, "subscribed"));
  auto bobGot = bob->take();
  EXPECT_EQ(pushedAttr(bobGot, kAlice, "approved"), "true");
  EXPECT_EQ(pushedAttr(bobGot, kAlice, "subscription"), "none");
  EXPECT_TRUE(alice->take().empty());  // a pre-approval is not routed

  alice->sendToServer(presence(kBob, "subscribe"));
  auto aliceGot = alice->take();
  EXPECT_EQ(countFrom(aliceGot, kBob, "subscribed"), 1U);
  EXPECT_EQ(countFrom(aliceGot, "bob@example.test/b"), 1U);
  EXPECT_EQ(pushedAttr(aliceGot, kBob, "subscription"), "to");
  bobGot = bob->take();
  EXPECT_EQ(pushedAttr(bobGot, kAlice, "subscription"), "from");
  EXPECT_EQ(pushedAttr(bobGot, kAlice, "approved"), "");
  EXPECT_TRUE(presences(bobGot, "subscribe").empty());
}

TEST_F(PresenceTest, UnsubscribedCancelsAPreApproval) {
  auto bob = login("bob", "b");
  bob->sendToServer(presence(kAlice, "subscribed"));
  bob->sendToServer(presence(kAlice, "unsubscribed"));
  EXPECT_EQ(stateOf(item("bob", kAlice)), "None");
  auto alice = login("alice", "a");
  bob->take();
  alice->sendToServer(presence(kBob, "subscribe"));
  EXPECT_EQ(presences(bob->take(), "subscribe").size(), 1U);  // bob is asked again
  EXPECT_EQ(countFrom(alice->take(), kBob, "subscribed"), 0U);
}

TEST_F(PresenceTest, InitialPresenceReachesSubscribersOwnResourcesAndProbes) {
  makeMutual("alice", "bob");
  auto bob = login("bob", "b");
  auto carol = login("carol", "c");  // no subscription with alice
  auto laptop = login("alice", "laptop");
  bob->take();
  takeRemote();
  auto phone = login("alice", "phone", /*online=*/false);
  phone->sendToServer(withStatus(presence(), "on the phone"));

  auto bobGot = presences(bob->take());
  ASSERT_EQ(bobGot.size(), 1U);
  EXPECT_EQ(bobGot[0].attr("from"), "alice@example.test/phone");
  EXPECT_EQ(bobGot[0].childText("status", xmpp::ns::client), "on the phone");
  EXPECT_TRUE(carol->take().empty());
  EXPECT_EQ(countFrom(laptop->take(), "alice@example.test/phone"), 1U);

  auto phoneGot = phone->take();
  EXPECT_EQ(countFrom(phoneGot, "alice@example.test/phone"), 1U);   // its own, reflected
  EXPECT_EQ(countFrom(phoneGot, "alice@example.test/laptop"), 1U);  // the other resource
  EXPECT_EQ(countFrom(phoneGot, "bob@example.test/b"), 1U);         // bob, by probe
  EXPECT_TRUE(takeRemote().empty());
}

TEST_F(PresenceTest, InitialPresenceEventFiresOncePerAvailability) {
  int fired = 0;
  t.server->hooks().sessions.hook("initial-presence", [&](server::SessionEvent&) {
    ++fired;
    return false;
  });
  auto alice = login("alice", "a", /*online=*/false);
  alice->goOnline();
  alice->goOnline(5);  // an update
  EXPECT_EQ(fired, 1);
  alice->sendToServer(presence({}, "unavailable"));
  alice->goOnline();
  EXPECT_EQ(fired, 2);
}

TEST_F(PresenceTest, UpdatesGoToSubscribersOnly) {
  storage::RosterItem item;
  item.jid = std::string(kBob);
  item.subscription = storage::Subscription::to;  // alice sees bob, not the reverse
  seed("alice", item);
  item.jid = std::string(kCarol);
  item.subscription = storage::Subscription::from;
  seed("alice", item);
  item.jid = std::string(kRemote);
  seed("alice", item);
  auto bob = login("bob", "b");
  auto carol = login("carol", "c");
  auto alice = login("alice", "a");
  bob->take();
  carol->take();
  takeRemote();
  alice->sendToServer(withStatus(presence(), "away"));
  EXPECT_TRUE(bob->take().empty());
  EXPECT_EQ(countFrom(carol->take(), "alice@example.test/a"), 1U);
  auto sent = takeRemote();
  ASSERT_EQ(sent.size(), 1U);  // a contact elsewhere is reached through route/remote
  EXPECT_EQ(sent[0].attr("to"), kRemote);
  EXPECT_EQ(sent[0].attr("from"), "alice@example.test/a");
}

TEST_F(PresenceTest, ProbesAreAnsweredOnlyForSubscribers) {
  storage::RosterItem item;
  item.jid = std::string(kRemote);
  item.subscription = storage::Subscription::from;
  seed("alice", item);

  // Subscribed, but alice is offline: unavailable from her bare JID.
  fromRemote(presence(kAlice, "probe"), "contact@remote.test/x");
  auto sent = takeRemote();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0].attr("type"), "unavailable");
  EXPECT_EQ(sent[0].attr("from"), kAlice);
  EXPECT_EQ(sent[0].attr("to"), "contact@remote.test/x");

  // Online: each available resource's last presence, addressed to the prober.
  auto a = login("alice", "a");
  a->sendToServer(withStatus(presence(), "here"));
  auto b = login("alice", "b");
  auto hidden = login("alice", "hidden", /*online=*/false);
  takeRemote();
  fromRemote(presence("alice@example.test/a", "probe"), "contact@remote.test/x");
  sent = takeRemote();
  ASSERT_EQ(sent.size(), 2U);
  EXPECT_EQ(sent[0].attr("from"), "alice@example.test/a");
  EXPECT_EQ(sent[0].childText("status", xmpp::ns::client), "here");
  EXPECT_EQ(sent[1].attr("from"), "alice@example.test/b");
  for (const auto& p : sent) {
    EXPECT_EQ(p.attr("to"), "contact@remote.test/x");
    EXPECT_EQ(p.attr("type"), "");
  }

  // Not subscribed: nothing is revealed.
  fromRemote(presence(kAlice, "probe"), "stranger@remote.test/y");
  sent = takeRemote();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0].attr("type"), "unavailable");
  EXPECT_EQ(sent[0].attr("from"), kAlice);
  EXPECT_TRUE(presences(a->take(), "probe").empty());  // probes are the server's business
}

TEST_F(PresenceTest, DirectedPresenceEndsWithUnavailable) {
  auto carol = login("carol", "c");
  auto bob = login("bob", "b");
  auto alice = login("alice", "a");
  carol->take();
  bob->take();
  alice->sendToServer(withStatus(presence("carol@example.test/c"), "hello you"));
  alice->sendToServer(presence("bob@example.test/b"));
  alice->sendToServer(presence("room@conference.remote.test/alice"));
  auto got = presences(carol->take());
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].childText("status", xmpp::ns::client), "hello you");
  EXPECT_EQ(got[0].attr("from"), "alice@example.test/a");
  EXPECT_EQ(takeRemote().size(), 1U);

  // A directed unavailable ends it for that target alone.
  alice->sendToServer(presence("bob@example.test/b", "unavailable"));
  EXPECT_EQ(presences(bob->take(), "unavailable").size(), 1U);

  alice->sendToServer(presence({}, "unavailable"));  // RFC 6121 4.6.3
  EXPECT_EQ(countFrom(carol->take(), "alice@example.test/a", "unavailable"), 1U);
  EXPECT_TRUE(bob->take().empty());
  auto sent = takeRemote();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0].attr("to"), "room@conference.remote.test/alice");
  EXPECT_EQ(sent[0].attr("type"), "unavailable");

  // Targets are forgotten once told.
  alice->goOnline();
  alice->sendToServer(presence({}, "unavailable"));
  EXPECT_TRUE(carol->take().empty());
}

TEST_F(PresenceTest, DisconnectingSendsUnavailableToEveryoneWhoSawThePresence) {
  makeMutual("alice", "bob");
  auto bob = login("bob", "b");
  auto carol = login("carol", "c");
  auto phone = login("alice", "phone");
  auto laptop = login("alice", "laptop");
  laptop->sendToServer(presence("carol@example.test/c"));
  bob->take();
  carol->take();
  phone->take();

  laptop.reset();  // the stream ends: resource-unbound
  EXPECT_EQ(countFrom(bob->take(), "alice@example.test/laptop", "unavailable"), 1U);
  EXPECT_EQ(countFrom(phone->take(), "alice@example.test/laptop", "unavailable"), 1U);
  EXPECT_EQ(countFrom(carol->take(), "alice@example.test/laptop", "unavailable"), 1U);

  // A resource that never became available leaves silently...
  auto quiet = login("alice", "quiet", /*online=*/false);
  quiet.reset();
  EXPECT_TRUE(bob->take().empty());
  EXPECT_TRUE(phone->take().empty());
  // ...unless it sent directed presence.
  auto lurker = login("alice", "lurker", /*online=*/false);
  lurker->sendToServer(presence("carol@example.test/c"));
  carol->take();
  lurker.reset();
  EXPECT_EQ(countFrom(carol->take(), "alice@example.test/lurker", "unavailable"), 1U);
  EXPECT_TRUE(bob->take().empty());
}

TEST_F(PresenceTest, DisconnectionResetsTheResourcesPresence) {
  makeMutual("alice", "bob");
  auto bob = login("bob", "b");
  auto alice = login("alice", "a", /*online=*/true, /*priority=*/3);
  EXPECT_TRUE(alice->presence.available);
  EXPECT_EQ(alice->presence.priority, 3);
  EXPECT_TRUE(alice->presence.interested);
  alice->sendToServer(presence({}, "unavailable"));
  EXPECT_FALSE(alice->presence.available);
  EXPECT_FALSE(alice->presence.last.has_value());
  // Bob's server no longer answers probes with alice's old presence.
  bob->take();
  fromRemote(presence(kAlice, "probe"), "bob@example.test/b");
  auto got = bob->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "unavailable");
}

TEST_F(PresenceTest, PriorityIsClampedAndGarbageCountsAsZero) {
  auto alice = login("alice", "a", /*online=*/false);
  const std::pair<const char*, int> cases[] = {
      {"5", 5},    {"+7", 7}, {"-1", -1}, {"300", 127}, {"-99999999999", -128},
      {"high", 0}, {"", 0},   {"1.5", 0}};
  for (const auto& [text, expected] : cases) {
    SCOPED_TRACE(text);
    auto p = presence();
    p.addChild("priority", std::string(xmpp::ns::client)).addText(text);
    alice->sendToServer(std::move(p));
    EXPECT_EQ(alice->presence.priority, expected);
  }
}

TEST_F(PresenceTest, SubscriptionsToOneselfAreIgnored) {
  auto alice = login("alice", "a");
  alice->sendToServer(presence(kAlice, "subscribe"));
  alice->sendToServer(presence({}, "subscribe"));
  EXPECT_FALSE(item("alice", kAlice).has_value());
  EXPECT_TRUE(alice->take().empty());
}

TEST_F(PresenceTest, OutboundSubscriptionToAnotherDomainIsRoutedWithBareJids) {
  auto alice = login("alice", "a");
  alice->sendToServer(presence("Contact@Remote.test/phone", "subscribe"));
  auto sent = takeRemote();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(sent[0].attr("from"), kAlice);
  EXPECT_EQ(sent[0].attr("to"), kRemote);
  EXPECT_EQ(pushedAttr(alice->take(), kRemote, "ask"), "subscribe");

  // The contact approves through s2s; alice sees its presence when it comes.
  fromRemote(presence(kAlice, "subscribed"), "contact@remote.test/phone");
  auto got = alice->take();
  EXPECT_EQ(countFrom(got, kRemote, "subscribed"), 1U);
  EXPECT_EQ(pushedAttr(got, kRemote, "subscription"), "to");
  fromRemote(presence(kAlice), "contact@remote.test/phone");
  EXPECT_EQ(countFrom(alice->take(), "contact@remote.test/phone"), 1U);
}

}  // namespace
}  // namespace keyfed::modules::testing
