// The pep module against a TestServer with the roster, presence and disco
// modules: notifications follow subscriptions and +notify capabilities, the
// last item reaches a contact coming online, disco shows the PEP service.
#include <gtest/gtest.h>

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

  void publish(TestClientSession& s, std::string_view id) {
    s.sendToServer(
        parse("<iq xmlns='jabber:client' type='set' id='pub'><pubsub "
              "xmlns='http://jabber.org/protocol/pubsub'>"
              "<publish node='" +
              std::string(kNode) + "'><item id='" + std::string(id) +
              "'><metadata xmlns='urn:xmpp:avatar:metadata'/></item></publish></pubsub></iq>"));
  }

  server::TestServer ts;
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
}

}  // namespace
}  // namespace keyfed::modules
