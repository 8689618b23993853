// XEP-0030 against a TestServer: what a client asking the server, or an
// account, sees.
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "keyfed/modules/disco.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using Identity = std::tuple<std::string, std::string, std::string>;

xml::Element discoRequest(std::string_view to, std::string_view ns, std::string_view node = {}) {
  xml::Element q("iq", std::string(xmpp::ns::client));
  q.setAttr("type", "get");
  q.setAttr("id", "d1");
  if (!to.empty()) q.setAttr("to", to);
  auto& query = q.addChild("query", std::string(ns));
  if (!node.empty()) query.setAttr("node", node);
  return q;
}

std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

std::set<Identity> identities(const xml::Element& query) {
  std::set<Identity> out;
  for (const auto& i : query.children("identity", xmpp::ns::discoInfo)) {
    out.emplace(i.attr("category"), i.attr("type"), i.attr("name"));
  }
  return out;
}

std::vector<std::string> features(const xml::Element& query) {
  std::vector<std::string> out;
  for (const auto& f : query.children("feature", xmpp::ns::discoInfo)) {
    out.emplace_back(f.attr("var"));
  }
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

class DiscoTest : public ::testing::Test {
 protected:
  DiscoTest() : t({"example.test", "other.test"}) {}
  void SetUp() override {
    t.addUser("alice", "example.test");
    t.addUser("bob", "example.test");
    // What other modules would register when they load.
    t.server->disco().addServerFeature("urn:example:server-feature");
    t.server->disco().addAccountFeature("urn:example:account-feature");
    t.server->disco().addServerItem({"upload.example.test", "File upload"});
    t.server->disco().addServerItem({"rooms.example.test", ""});
    t.server->disco().addServerForm({"urn:example:form", {{"max-size", "42"}}});
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeDiscoModule());
    ASSERT_TRUE(t.start(std::move(modules)));
    alice = t.connect("alice", "example.test", "a");
  }
  // The only stanza alice received; fails the test otherwise.
  xml::Element answer() {
    auto got = alice->take();
    EXPECT_EQ(got.size(), 1U);
    return got.empty() ? xml::Element() : got[0];
  }
  void subscribe(std::string_view user, std::string_view contact, storage::Subscription sub) {
    storage::RosterItem item;
    item.jid = std::string(contact);
    item.subscription = sub;
    ASSERT_TRUE(t.storage->roster().upsert(user, "example.test", item));
  }
  server::TestServer t;
  std::unique_ptr<server::TestClientSession> alice;
};

TEST_F(DiscoTest, ServerInfoListsIdentityAndEveryRegisteredFeature) {
  alice->sendToServer(discoRequest("example.test", xmpp::ns::discoInfo));
  auto reply = answer();
  EXPECT_EQ(reply.attr("type"), "result");
  EXPECT_EQ(reply.attr("from"), "example.test");
  EXPECT_EQ(reply.attr("id"), "d1");
  const xml::Element* query = reply.child("query", xmpp::ns::discoInfo);
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(identities(*query), (std::set<Identity>{{"server", "im", "keyfed"}}));
  auto vars = features(*query);
  EXPECT_TRUE(contains(vars, xmpp::ns::discoInfo));
  EXPECT_TRUE(contains(vars, xmpp::ns::discoItems));
  EXPECT_TRUE(contains(vars, "urn:example:server-feature"));
  EXPECT_FALSE(contains(vars, "urn:example:account-feature"));
  EXPECT_TRUE(std::is_sorted(vars.begin(), vars.end()));
}

TEST_F(DiscoTest, ServerInfoCarriesRegisteredExtensionForms) {
  alice->sendToServer(discoRequest("example.test", xmpp::ns::discoInfo));
  auto reply = answer();
  const xml::Element* query = reply.child("query", xmpp::ns::discoInfo);
  ASSERT_NE(query, nullptr);
  const xml::Element* form = query->child("x", "jabber:x:data");
  ASSERT_NE(form, nullptr);
  EXPECT_EQ(form->attr("type"), "result");
  std::vector<std::tuple<std::string, std::string, std::string>> fields;
  for (const auto& field : form->children("field", "jabber:x:data")) {
    fields.emplace_back(field.attr("var"), field.attr("type"),
                        field.childText("value", "jabber:x:data"));
  }
  EXPECT_EQ(fields, (std::vector<std::tuple<std::string, std::string, std::string>>{
                        {"FORM_TYPE", "hidden", "urn:example:form"}, {"max-size", "", "42"}}));
}

TEST_F(DiscoTest, EveryVirtualHostAnswersForItself) {
  alice->sendToServer(discoRequest("other.test", xmpp::ns::discoInfo));
  auto reply = answer();
  EXPECT_EQ(reply.attr("type"), "result");
  EXPECT_EQ(reply.attr("from"), "other.test");
}

TEST_F(DiscoTest, ServerItemsListsRegisteredItems) {
  alice->sendToServer(discoRequest("example.test", xmpp::ns::discoItems));
  auto reply = answer();
  EXPECT_EQ(reply.attr("type"), "result");
  const xml::Element* query = reply.child("query", xmpp::ns::discoItems);
  ASSERT_NE(query, nullptr);
  std::vector<std::pair<std::string, const std::string*>> items;
  for (const auto& item : query->children("item", xmpp::ns::discoItems)) {
    items.emplace_back(std::string(item.attr("jid")), item.findAttr("name"));
  }
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items[0].first, "upload.example.test");
  ASSERT_NE(items[0].second, nullptr);
  EXPECT_EQ(*items[0].second, "File upload");
  EXPECT_EQ(items[1].first, "rooms.example.test");
  EXPECT_EQ(items[1].second, nullptr);  // no empty name attribute
}

TEST_F(DiscoTest, UnknownNodesAreItemNotFound) {
  alice->sendToServer(discoRequest("example.test", xmpp::ns::discoInfo, "urn:example:node"));
  EXPECT_EQ(errorCondition(answer()), "item-not-found");
  alice->sendToServer(discoRequest("example.test", xmpp::ns::discoItems, "urn:example:node"));
  EXPECT_EQ(errorCondition(answer()), "item-not-found");
  alice->sendToServer(discoRequest("", xmpp::ns::discoInfo, "urn:example:node"));
  EXPECT_EQ(errorCondition(answer()), "item-not-found");
}

TEST_F(DiscoTest, DiscoSetIsNotAnswered) {
  auto request = discoRequest("example.test", xmpp::ns::discoInfo);
  request.setAttr("type", "set");
  alice->sendToServer(std::move(request));
  EXPECT_EQ(errorCondition(answer()), "service-unavailable");
}

TEST_F(DiscoTest, OwnAccountInfoWithAndWithoutTo) {
  for (std::string_view to : {"", "alice@example.test"}) {
    SCOPED_TRACE(to);
    alice->sendToServer(discoRequest(to, xmpp::ns::discoInfo));
    auto reply = answer();
    EXPECT_EQ(reply.attr("type"), "result");
    EXPECT_EQ(reply.attr("to"), "alice@example.test/a");
    const xml::Element* query = reply.child("query", xmpp::ns::discoInfo);
    ASSERT_NE(query, nullptr);
    EXPECT_EQ(identities(*query), (std::set<Identity>{{"account", "registered", ""}}));
    auto vars = features(*query);
    EXPECT_TRUE(contains(vars, xmpp::ns::discoInfo));
    EXPECT_TRUE(contains(vars, "urn:example:account-feature"));
    EXPECT_FALSE(contains(vars, "urn:example:server-feature"));
  }
}

TEST_F(DiscoTest, OwnAccountItemsAreAnEmptyList) {
  alice->sendToServer(discoRequest("", xmpp::ns::discoItems));
  auto reply = answer();
  EXPECT_EQ(reply.attr("type"), "result");
  const xml::Element* query = reply.child("query", xmpp::ns::discoItems);
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query->childCount(), 0U);
}

TEST_F(DiscoTest, ContactWithPresenceSubscriptionMayDiscoverTheAccount) {
  // bob shares his presence with alice: subscription 'from' on bob's side.
  subscribe("bob", "alice@example.test", storage::Subscription::from);
  alice->sendToServer(discoRequest("bob@example.test", xmpp::ns::discoInfo));
  auto reply = answer();
  EXPECT_EQ(reply.attr("type"), "result");
  EXPECT_EQ(reply.attr("from"), "bob@example.test");
  const xml::Element* query = reply.child("query", xmpp::ns::discoInfo);
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(identities(*query), (std::set<Identity>{{"account", "registered", ""}}));
}

TEST_F(DiscoTest, StrangersGetTheSameAnswerForExistingAndMissingAccounts) {
  // XEP-0030 section 8: no presence subscription, no answer on the account's
  // behalf; indistinguishable from an account that does not exist.
  subscribe("bob", "alice@example.test", storage::Subscription::to);
  alice->sendToServer(discoRequest("bob@example.test", xmpp::ns::discoInfo));
  auto existing = answer();
  alice->sendToServer(discoRequest("nobody@example.test", xmpp::ns::discoInfo));
  auto missing = answer();
  EXPECT_EQ(errorCondition(existing), "service-unavailable");
  EXPECT_EQ(errorCondition(missing), "service-unavailable");
  alice->sendToServer(discoRequest("nobody@example.test", xmpp::ns::discoItems));
  EXPECT_EQ(errorCondition(answer()), "service-unavailable");
}

TEST_F(DiscoTest, QueryToAClientsFullJidGoesToTheClient) {
  auto bob = t.connect("bob", "example.test", "b");
  alice->sendToServer(discoRequest("bob@example.test/b", xmpp::ns::discoInfo));
  EXPECT_TRUE(alice->take().empty());
  EXPECT_EQ(bob->take().size(), 1U);
}

}  // namespace
}  // namespace keyfed::modules
