// The pep module against a TestServer with the roster, presence and disco
// modules: notifications follow subscriptions and +notify capabilities, the
// last item reaches a contact coming online, disco shows the PEP service;
// explicit subscribers, local and remote, are notified once, and lose their
// subscription with their access.
#include <gtest/gtest.h>

#include <set>

#include "caps_hash.hpp"
#include "keyfed/modules/disco.hpp"
#include "keyfed/modules/pep.hpp"
#include "keyfed/modules/roster.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using server::TestClientSession;
constexpr std::string_view kNode = "urn:xmpp:avatar:metadata";

xml::Element parse(const std::string& text) {
  auto el = xml::parseStoredElement(text, 1 << 20);
  EXPECT_TRUE(el) << text;
  return el ? std::move(*el) : xml::Element();
}

xml::Element discoAnswer(bool notify) {
  xml::Element q("query", std::string(xmpp::ns::discoInfo));
  q.addChild("identity", std::string(xmpp::ns::discoInfo))
      .setAttr("category", "client")
      .setAttr("type", "pc");
  q.addChild("feature", std::string(xmpp::ns::discoInfo)).setAttr("var", xmpp::ns::discoInfo);
  if (notify) {
    q.addChild("feature", std::string(xmpp::ns::discoInfo))
        .setAttr("var", std::string(kNode) + "+notify");
  }
  return q;
}

std::string verOf(const xml::Element& query) {
  return *pep::capsHash("sha-1", *pep::capsVerificationString(query));
}

// Events of `node` among received stanzas: the ids of their items.
std::vector<std::string> eventIds(const std::vector<xml::Element>& received) {
  std::vector<std::string> ids;
  for (const auto& s : received) {
    const auto* event = s.child("event", xmpp::ns::pubsubEvent);
    const auto* items = event ? event->child("items", xmpp::ns::pubsubEvent) : nullptr;
    if (items == nullptr || items->attr("node") != kNode) continue;
    for (const xml::Element& i : items->children("item", xmpp::ns::pubsubEvent))
      ids.emplace_back(i.attr("id"));
    for (const xml::Element& r : items->children("retract", xmpp::ns::pubsubEvent))
      ids.push_back("-" + std::string(r.attr("id")));
  }
  return ids;
}

class PepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeRosterModule());
    modules.push_back(makePresenceModule());
    modules.push_back(makeDiscoModule());
    modules.push_back(makePepModule());
    ASSERT_TRUE(ts.start(std::move(modules)));
    for (const char* u : {"alice", "bob", "carol"}) ts.addUser(u, "example.test");
    befriend("alice", "bob");
    // What s2s would carry to other domains.
    ts.server->hooks().stanzas.hook("route/remote", [this](server::StanzaEvent& e) {
      remote.push_back(e.stanza);
      return true;
    });
  }

  void befriend(const char* a, const char* b) {
    storage::RosterItem item;
    item.subscription = storage::Subscription::both;
    item.jid = std::string(b) + "@example.test";
    ASSERT_TRUE(ts.storage->roster().upsert(a, "example.test", item));
    item.jid = std::string(a) + "@example.test";
    ASSERT_TRUE(ts.storage->roster().upsert(b, "example.test", item));
  }

  // Connects and sends available presence with capabilities; answers the
  // server's disco#info query when it asks. Returns whether it asked.
  std::unique_ptr<TestClientSession> online(const char* user, const char* resource, bool notify,
                                            bool* asked = nullptr) {
    auto s = ts.connect(user, "example.test", resource);
    const xml::Element answer = discoAnswer(notify);
    s->sendToServer(
        parse("<presence xmlns='jabber:client'><c xmlns='http://jabber.org/protocol/caps' "
              "hash='sha-1' node='https://client.example' ver='" +
              verOf(answer) + "'/></presence>"));
    bool queried = false;
    for (auto& st : s->take()) {
      const auto* q = st.child("query", xmpp::ns::discoInfo);
      if (st.name() != "iq" || q == nullptr) {
        s->received.push_back(std::move(st));
        continue;
      }
      queried = true;
      EXPECT_EQ(q->attr("node"), "https://client.example#" + verOf(answer));
      s->sendToServer(xmpp::makeIqResult(st, answer.clone()));
    }
    if (asked != nullptr) *asked = queried;
    ts.poll();
    return s;
  }

  // `options`: pubsub#publish-options fields, as <field/> elements.
  void publish(TestClientSession& s, std::string_view id, const std::string& options = {}) {
    std::string publishOptions;
    if (!options.empty()) {
      publishOptions =
          "<publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
          "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>" +
          options + "</x></publish-options>";
    }
    s.sendToServer(
        parse("<iq xmlns='jabber:client' type='set' id='pub'><pubsub "
              "xmlns='http://jabber.org/protocol/pubsub'>"
              "<publish node='" +
              std::string(kNode) + "'><item id='" + std::string(id) +
              "'><metadata xmlns='urn:xmpp:avatar:metadata'/></item></publish>" + publishOptions +
              "</pubsub></iq>"));
  }

  // <subscribe/> or <unsubscribe/> to alice's node for `jid`.
  static xml::Element subscription(std::string_view jid, std::string_view op = "subscribe") {
    return parse(
        "<iq xmlns='jabber:client' type='set' id='sub' to='alice@example.test'><pubsub "
        "xmlns='http://jabber.org/protocol/pubsub'><" +
        std::string(op) + " node='" + std::string(kNode) + "' jid='" + std::string(jid) +
        "'/></pubsub></iq>");
  }

  // The type of the iq reply among `received`, and its pubsub#errors condition.
  static std::string replyOf(const std::vector<xml::Element>& received) {
    for (const auto& s : received) {
      if (s.name() != "iq") continue;
      const auto* error = s.child("error", xmpp::ns::client);
      if (error == nullptr) return std::string(xmpp::stanzaType(s));
      for (const xml::Element& c : error->children()) {
        if (c.ns() == xmpp::ns::pubsubErrors) return "error " + std::string(c.name());
      }
      return "error";
    }
    return "none";
  }

  std::size_t subscriptionCount() {
    auto subs = ts.storage->pep().subscriptions("alice", "example.test", kNode);
    return subs ? subs->size() : 0;
  }

  server::TestServer ts;
  std::vector<xml::Element> remote;
};

TEST_F(PepTest, NotificationsReachSubscribedContactsAndOwnResourcesThatWantThem) {
  auto phone = online("alice", "phone", true);
  auto laptop = online("alice", "laptop", true);
  auto bob = online("bob", "pc", true);
  auto carol = online("carol", "pc", true);
  auto bobOld = online("bob", "old", false);  // no +notify
  for (auto* s : {phone.get(), laptop.get(), bob.get(), carol.get(), bobOld.get()}) s->take();

  publish(*phone, "v1");
  auto mine = phone->take();
  EXPECT_EQ(xmpp::stanzaType(mine.front()), "result");
  EXPECT_EQ(eventIds(mine), std::vector<std::string>{"v1"});
  EXPECT_EQ(eventIds(laptop->take()), std::vector<std::string>{"v1"});
  EXPECT_EQ(eventIds(bob->take()), std::vector<std::string>{"v1"});
  EXPECT_TRUE(eventIds(carol->take()).empty());
  EXPECT_TRUE(eventIds(bobOld->take()).empty());

  phone->sendToServer(
      parse("<iq xmlns='jabber:client' type='set' id='r'><pubsub "
            "xmlns='http://jabber.org/protocol/pubsub'>"
            "<retract node='" +
            std::string(kNode) + "' notify='true'><item id='v1'/></retract></pubsub></iq>"));
  EXPECT_EQ(eventIds(bob->take()), std::vector<std::string>{"-v1"});
}

TEST_F(PepTest, CapabilitiesAreAskedOncePerVerAndTheLastItemFollowsPresence) {
  bool asked = false;
  auto phone = online("alice", "phone", true, &asked);
  EXPECT_TRUE(asked);
  publish(*phone, "v2");
  // Bob's client announces the same 'ver': no second query, and the last item arrives at once.
  auto bob = online("bob", "pc", true, &asked);
  EXPECT_FALSE(asked);
  EXPECT_EQ(eventIds(bob->received), std::vector<std::string>{"v2"});
  // A stranger announcing it gets nothing.
  auto carol = online("carol", "pc", true);
  EXPECT_TRUE(eventIds(carol->received).empty());
}

TEST_F(PepTest, TheAccountAdvertisesThePepService) {
  auto bob = online("bob", "pc", false);
  bob->take();
  bob->sendToServer(
      parse("<iq xmlns='jabber:client' type='get' id='d' to='alice@example.test'>"
            "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"));
  auto replies = bob->take();
  ASSERT_EQ(replies.size(), 1U);
  const auto* q = replies[0].child("query", xmpp::ns::discoInfo);
  ASSERT_NE(q, nullptr);
  bool pepIdentity = false;
  bool publishOptions = false;
  for (const xml::Element& i : q->children("identity", xmpp::ns::discoInfo)) {
    pepIdentity |= i.attr("category") == "pubsub" && i.attr("type") == "pep";
  }
  for (const xml::Element& f : q->children("feature", xmpp::ns::discoInfo)) {
    publishOptions |= f.attr("var") == "http://jabber.org/protocol/pubsub#publish-options";
  }
  EXPECT_TRUE(pepIdentity);
  EXPECT_TRUE(publishOptions);
  std::set<std::string> features;
  for (const xml::Element& f : q->children("feature", xmpp::ns::discoInfo)) {
    features.emplace(f.attr("var"));
  }
  for (const char* f :
       {"#subscribe", "#access-roster", "#retrieve-subscriptions", "#retrieve-affiliations"}) {
    EXPECT_TRUE(features.contains(std::string("http://jabber.org/protocol/pubsub") + f)) << f;
  }
}

TEST_F(PepTest, AnExplicitSubscriberHearsWithoutNotifyAndOnlyOnce) {
  auto phone = online("alice", "phone", true);
  auto bob = online("bob", "pc", false);     // no +notify
  auto bobTab = online("bob", "tab", true);  // +notify, and covered by the bare subscription
  publish(*phone, "v0");
  for (auto* s : {phone.get(), bob.get(), bobTab.get()}) s->take();

  bob->sendToServer(subscription("bob@example.test"));
  auto got = bob->take();
  EXPECT_EQ(replyOf(got), "result");
  EXPECT_EQ(eventIds(got), std::vector<std::string>{"v0"});  // XEP-0060 6.1.7
  EXPECT_EQ(subscriptionCount(), 1U);
  bobTab->take();

  publish(*phone, "v1");
  EXPECT_EQ(eventIds(bob->take()), std::vector<std::string>{"v1"});
  EXPECT_EQ(eventIds(bobTab->take()), std::vector<std::string>{"v1"});

  bob->sendToServer(subscription("bob@example.test", "unsubscribe"));
  EXPECT_EQ(replyOf(bob->take()), "result");
  publish(*phone, "v2");
  EXPECT_TRUE(eventIds(bob->take()).empty());
  EXPECT_EQ(eventIds(bobTab->take()), std::vector<std::string>{"v2"});
}

TEST_F(PepTest, AStrangerMaySubscribeToAnOpenNodeOnly) {
  auto phone = online("alice", "phone", true);
  auto carol = online("carol", "pc", false);
  publish(*phone, "v0");
  carol->take();
  carol->sendToServer(subscription("carol@example.test/pc"));
  EXPECT_EQ(replyOf(carol->take()), "error presence-subscription-required");
  carol->sendToServer(subscription("bob@example.test"));
  EXPECT_EQ(replyOf(carol->take()), "error invalid-jid");

  phone->sendToServer(
      parse("<iq xmlns='jabber:client' type='set' id='c'><pubsub "
            "xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='" +
            std::string(kNode) +
            "'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
            "<value>http://jabber.org/protocol/pubsub#node_config</value></field>"
            "<field var='pubsub#access_model'><value>open</value></field></x></configure>"
            "</pubsub></iq>"));
  carol->sendToServer(subscription("carol@example.test/pc"));
  EXPECT_EQ(replyOf(carol->take()), "result");
  publish(*phone, "v2");
  EXPECT_EQ(eventIds(carol->take()), std::vector<std::string>{"v2"});
}

TEST_F(PepTest, ASubscriberWhoLosesAccessIsDropped) {
  auto phone = online("alice", "phone", true);
  auto bob = online("bob", "pc", false);
  publish(*phone, "v0");
  bob->sendToServer(subscription("bob@example.test/pc"));
  EXPECT_EQ(replyOf(bob->take()), "result");
  // Alice removes bob from her roster: the presence node is no longer his to read.
  ASSERT_TRUE(ts.storage->roster().remove("alice", "example.test", "bob@example.test"));
  publish(*phone, "v1");
  EXPECT_TRUE(eventIds(bob->take()).empty());
  EXPECT_EQ(subscriptionCount(), 0U);
}

TEST_F(PepTest, RosterGroupsDecideWhoHears) {
  befriend("alice", "carol");
  storage::RosterItem friendBob;
  friendBob.jid = "bob@example.test";
  friendBob.subscription = storage::Subscription::both;
  friendBob.groups = {"Friends"};
  ASSERT_TRUE(ts.storage->roster().upsert("alice", "example.test", friendBob));
  auto phone = online("alice", "phone", true);
  auto bob = online("bob", "pc", true);
  auto carol = online("carol", "pc", true);
  publish(*phone, "v1",
          "<field var='pubsub#access_model'><value>roster</value></field>"
          "<field var='pubsub#roster_groups_allowed'><value>Friends</value></field>");
  EXPECT_EQ(replyOf(phone->take()), "result");
  EXPECT_EQ(eventIds(bob->take()), std::vector<std::string>{"v1"});
  EXPECT_TRUE(eventIds(carol->take()).empty());
  carol->sendToServer(subscription("carol@example.test"));
  EXPECT_EQ(replyOf(carol->take()), "error not-in-roster-group");
}

TEST_F(PepTest, ARemoteSubscriberIsNotifiedThroughS2s) {
  storage::RosterItem dan;
  dan.jid = "dan@remote.test";
  dan.subscription = storage::Subscription::from;
  ASSERT_TRUE(ts.storage->roster().upsert("alice", "example.test", dan));
  auto phone = online("alice", "phone", true);
  publish(*phone, "v0");
  remote.clear();

  xml::Element iq = subscription("dan@remote.test");
  iq.setAttr("from", "dan@remote.test/laptop");
  ts.server->route(std::move(iq));
  ASSERT_FALSE(remote.empty());
  EXPECT_EQ(replyOf(remote), "result");
  EXPECT_EQ(remote.front().attr("to"), "dan@remote.test/laptop");
  EXPECT_EQ(eventIds(remote), std::vector<std::string>{"v0"});
  remote.clear();

  publish(*phone, "v1");
  ASSERT_EQ(eventIds(remote), std::vector<std::string>{"v1"});
  EXPECT_EQ(remote.back().attr("to"), "dan@remote.test");
  EXPECT_EQ(remote.back().attr("from"), "alice@example.test");
}

TEST_F(PepTest, DeletingTheNodeTellsItsSubscribers) {
  auto phone = online("alice", "phone", true);
  auto bob = online("bob", "pc", false);
  publish(*phone, "v0");
  bob->sendToServer(subscription("bob@example.test/pc"));
  bob->take();
  phone->sendToServer(
      parse("<iq xmlns='jabber:client' type='set' id='d'><pubsub "
            "xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='" +
            std::string(kNode) + "'/></pubsub></iq>"));
  bool deleted = false;
  for (const auto& s : bob->take()) {
    const auto* event = s.child("event", xmpp::ns::pubsubEvent);
    deleted |= event != nullptr && event->child("delete", xmpp::ns::pubsubEvent) != nullptr;
  }
  EXPECT_TRUE(deleted);
  EXPECT_EQ(subscriptionCount(), 0U);
}

}  // namespace
}  // namespace keyfed::modules
