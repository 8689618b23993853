// XEP-0313 against a TestServer with real SQLite: what is archived on both
// sides, the <stanza-id/> on delivered and offline copies, queries with RSM
// paging, filters and errors, and preferences. The TestServer's clock is a
// FakeClock that never moves, so the writer's delay never passes: every
// archived message a query finds got there through the flush before it.
#include <gtest/gtest.h>

#include "keyfed/archive/archive_id.hpp"
#include "keyfed/archive/namespaces.hpp"
#include "keyfed/modules/mam.hpp"
#include "keyfed/modules/offline.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using server::TestClientSession;
using namespace archive;

xml::Element chat(std::string_view to, std::string_view body, std::string_view type = "chat") {
  return server::makeMessage(to, body, type);
}

void comeOnline(server::Server& server, TestClientSession& session) {
  session.presence.available = true;
  server::SessionEvent event{server, session};
  server.hooks().sessions.fire("initial-presence", event);
}

std::string bodyOf(const xml::Element& m) {
  return m.childText("body", xmpp::ns::client);
}

struct Answer {
  std::vector<xml::Element> results;  // the <message><result/></message>s
  std::optional<xml::Element> iq;     // result or error
  [[nodiscard]] const xml::Element* fin() const { return iq ? iq->child("fin", kMamNs) : nullptr; }
  [[nodiscard]] std::vector<std::string> bodies() const {
    std::vector<std::string> out;
    for (const auto& m : results) {
      const auto* original = m.child("result", kMamNs)
                                 ->child("forwarded", kForwardNs)
                                 ->child("message", xmpp::ns::client);
      out.push_back(original != nullptr ? bodyOf(*original) : "?");
    }
    return out;
  }
  [[nodiscard]] std::string rsm(std::string_view name) const {
    return fin() != nullptr ? fin()->child("set", kRsmNs)->childText(name, kRsmNs) : "";
  }
  [[nodiscard]] std::string errorCondition() const {
    if (!iq) return "";
    auto e = xmpp::parseStanzaError(*iq);
    return e ? std::string(xmpp::conditionName(e->condition)) : "";
  }
};

class MamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t.addUser("alice", "example.test");
    t.addUser("bob", "example.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    MamConfig config;
    config.maxPageSize = 20;
    config.defaultPageSize = 10;
    modules.push_back(makeMamModule(config));
    modules.push_back(makeOfflineModule());
    ASSERT_TRUE(t.start(std::move(modules)));
    alice = t.connect("alice", "example.test", "a");
    comeOnline(*t.server, *alice);
  }

  std::unique_ptr<TestClientSession> bobOnline() {
    auto bob = t.connect("bob", "example.test", "b");
    comeOnline(*t.server, *bob);
    return bob;
  }

  Answer query(TestClientSession& client, const std::function<void(xml::Element&)>& fill,
               std::string_view type = "set") {
    xml::Element iq("iq", std::string(xmpp::ns::client));
    iq.setAttr("type", type).setAttr("id", "q");
    auto& q = iq.addChild("query", std::string(kMamNs));
    q.setAttr("queryid", "f27");
    if (fill) fill(q);
    client.take();
    client.sendToServer(std::move(iq));
    Answer answer;
    for (auto& s : client.take()) {
      if (s.name() == "iq") {
        answer.iq = std::move(s);
      } else if (s.child("result", kMamNs) != nullptr) {
        answer.results.push_back(std::move(s));
      }
    }
    return answer;
  }

  // The lambda copies its arguments: `value` is often a temporary (another answer's id).
  static std::function<void(xml::Element&)> rsm(const std::string& name, const std::string& value,
                                                const std::string& max = "10") {
    return [=](xml::Element& q) {
      auto& set = q.addChild("set", std::string(kRsmNs));
      set.addChild("max", std::string(kRsmNs)).addText(max);
      if (!name.empty()) set.addChild(std::string(name), std::string(kRsmNs)).addText(value);
    };
  }

  static std::function<void(xml::Element&)> with(const std::string& jid) {
    return [=](xml::Element& q) {
      auto& x = q.addChild("x", std::string(kDataFormsNs));
      x.setAttr("type", "submit");
      auto& f = x.addChild("field", std::string(kDataFormsNs));
      f.setAttr("var", "with");
      f.addChild("value", std::string(kDataFormsNs)).addText(jid);
    };
  }

  void setPrefs(TestClientSession& client, std::string_view mode, std::string_view never = {}) {
    xml::Element iq("iq", std::string(xmpp::ns::client));
    iq.setAttr("type", "set").setAttr("id", "p");
    auto& p = iq.addChild("prefs", std::string(kMamNs));
    p.setAttr("default", mode);
    p.addChild("always", std::string(kMamNs));
    auto& n = p.addChild("never", std::string(kMamNs));
    if (!never.empty()) n.addChild("jid", std::string(kMamNs)).addText(never);
    client.take();
    client.sendToServer(std::move(iq));
    auto got = client.take();
    ASSERT_EQ(got.size(), 1U);
    ASSERT_EQ(got[0].attr("type"), "result") << xml::toString(got[0]);
  }

  server::TestServer t;
  std::unique_ptr<TestClientSession> alice;
};

TEST_F(MamTest, AdvertisesTheArchiveOnAccountsAndServer) {
  const auto& account = t.server->disco().accountFeatures();
  EXPECT_NE(std::find(account.begin(), account.end(), kMamNs), account.end());
  EXPECT_NE(std::find(account.begin(), account.end(), kStanzaIdNs), account.end());
  const auto& serverFeatures = t.server->disco().serverFeatures();
  EXPECT_NE(std::find(serverFeatures.begin(), serverFeatures.end(), kMamNs), serverFeatures.end());
}

TEST_F(MamTest, BothSidesArchiveAndTheDeliveredCopyCarriesTheRecipientsId) {
  auto bob = bobOnline();
  alice->sendToServer(chat("bob@example.test", "hello bob"));
  auto delivered = bob->take();
  ASSERT_EQ(delivered.size(), 1U);
  const auto* sid = delivered[0].child("stanza-id", kStanzaIdNs);
  ASSERT_NE(sid, nullptr);
  EXPECT_EQ(sid->attr("by"), "bob@example.test");

  auto bobs = query(*bob, nullptr);
  ASSERT_EQ(bobs.bodies(), std::vector<std::string>{"hello bob"});
  const auto* result = bobs.results[0].child("result", kMamNs);
  EXPECT_EQ(result->attr("id"), sid->attr("id"));
  EXPECT_EQ(result->attr("queryid"), "f27");
  EXPECT_EQ(bobs.results[0].attr("to"), "bob@example.test/b");
  EXPECT_NE(result->child("forwarded", kForwardNs)->child("delay", xmpp::ns::delay), nullptr);
  EXPECT_EQ(bobs.fin()->attr("complete"), "true");
  EXPECT_EQ(bobs.rsm("count"), "1");

  auto alices = query(*alice, nullptr);
  EXPECT_EQ(alices.bodies(), std::vector<std::string>{"hello bob"});
  // The sender's copy is the message as sent, without the recipient's stanza-id.
  const auto* forwarded = alices.results[0].child("result", kMamNs)->child("forwarded", kForwardNs);
  EXPECT_EQ(forwarded->child("message", xmpp::ns::client)->child("stanza-id", kStanzaIdNs),
            nullptr);
}

TEST_F(MamTest, ForgedStanzaIdsByLocalUsersAreRemoved) {
  auto bob = bobOnline();
  auto m = chat("bob@example.test", "trust me");
  auto& forged = m.addChild("stanza-id", std::string(kStanzaIdNs));
  forged.setAttr("by", "bob@example.test").setAttr("id", "forged");
  auto& muc = m.addChild("stanza-id", std::string(kStanzaIdNs));
  muc.setAttr("by", "room@conference.example.net").setAttr("id", "elsewhere");
  alice->sendToServer(std::move(m));
  auto delivered = bob->take();
  ASSERT_EQ(delivered.size(), 1U);
  std::vector<std::string> ids;
  for (const auto& s : delivered[0].children("stanza-id", kStanzaIdNs)) {
    ids.emplace_back(std::string(s.attr("by")) + "=" + std::string(s.attr("id")));
  }
  ASSERT_EQ(ids.size(), 2U);
  EXPECT_EQ(ids[0], "room@conference.example.net=elsewhere");
  EXPECT_NE(ids[1], "bob@example.test=forged");
  EXPECT_EQ(ids[1].rfind("bob@example.test=", 0), 0U);
}

TEST_F(MamTest, OfflineMessagesAreArchivedAndKeepTheirIdWhenDelivered) {
  alice->sendToServer(chat("bob@example.test", "while you were out"));
  EXPECT_EQ(*t.storage->offline().count("bob", "example.test"), 1U);
  auto bob = bobOnline();  // the offline module delivers on initial presence
  auto delivered = bob->take();
  ASSERT_EQ(delivered.size(), 1U);
  const auto* sid = delivered[0].child("stanza-id", kStanzaIdNs);
  ASSERT_NE(sid, nullptr);
  auto archive = query(*bob, nullptr);
  ASSERT_EQ(archive.bodies(), std::vector<std::string>{"while you were out"});
  EXPECT_EQ(archive.results[0].child("result", kMamNs)->attr("id"), sid->attr("id"));
}

TEST_F(MamTest, WhatIsNotArchived) {
  auto bob = bobOnline();
  auto noStore = chat("bob@example.test", "ephemeral");
  noStore.addChild("no-store", std::string(kHintsNs));
  alice->sendToServer(std::move(noStore));
  alice->sendToServer(chat("bob@example.test", "news", "headline"));
  alice->sendToServer(chat("bob@example.test", ""));  // a chat state would look like this
  alice->sendToServer(chat("bob@example.test", "kept"));
  auto delivered = bob->take();
  ASSERT_EQ(delivered.size(), 4U);
  EXPECT_EQ(delivered[0].child("stanza-id", kStanzaIdNs), nullptr);
  EXPECT_EQ(query(*bob, nullptr).bodies(), std::vector<std::string>{"kept"});
  EXPECT_EQ(query(*alice, nullptr).bodies(), std::vector<std::string>{"kept"});
}

TEST_F(MamTest, PagesForwardAndBackwardWithRsm) {
  auto bob = bobOnline();
  for (int i = 0; i < 25; ++i) alice->sendToServer(chat("bob@example.test", std::to_string(i)));

  auto first = query(*alice, rsm("", ""));
  ASSERT_EQ(first.bodies().size(), 10U) << (first.iq ? xml::toString(*first.iq) : "no iq");
  EXPECT_EQ(first.bodies().front(), "0");
  EXPECT_EQ(first.fin()->attr("complete"), "false");
  EXPECT_EQ(first.rsm("count"), "25");

  auto second = query(*alice, rsm("after", first.rsm("last")));
  ASSERT_EQ(second.bodies().size(), 10U);
  EXPECT_EQ(second.bodies().front(), "10");
  auto third = query(*alice, rsm("after", second.rsm("last")));
  EXPECT_EQ(third.bodies(), (std::vector<std::string>{"20", "21", "22", "23", "24"}));
  EXPECT_EQ(third.fin()->attr("complete"), "true");

  auto last = query(*alice, rsm("before", ""));
  EXPECT_EQ(last.bodies().front(), "15");
  EXPECT_EQ(last.bodies().back(), "24");
  EXPECT_EQ(last.fin()->attr("complete"), "false");
  auto earlier = query(*alice, rsm("before", last.rsm("first")));
  EXPECT_EQ(earlier.bodies().front(), "5");
  auto earliest = query(*alice, rsm("before", earlier.rsm("first")));
  EXPECT_EQ(earliest.bodies(), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(earliest.fin()->attr("complete"), "true");

  // Asking for more than max_page_size gets max_page_size (20 here).
  EXPECT_EQ(query(*alice, rsm("", "", "500")).bodies().size(), 20U);
}

TEST_F(MamTest, FiltersByConversation) {
  t.addUser("carol", "example.test");
  auto bob = bobOnline();
  auto carol = t.connect("carol", "example.test", "c");
  comeOnline(*t.server, *carol);
  alice->sendToServer(chat("bob@example.test", "to bob"));
  alice->sendToServer(chat("carol@example.test", "to carol"));
  carol->sendToServer(chat("alice@example.test/a", "from carol"));
  EXPECT_EQ(query(*alice, with("carol@example.test")).bodies(),
            (std::vector<std::string>{"to carol", "from carol"}));
  EXPECT_EQ(query(*alice, with("bob@example.test")).bodies(), std::vector<std::string>{"to bob"});
  EXPECT_EQ(query(*alice, with("carol@example.test/c")).bodies(),
            std::vector<std::string>{"from carol"});
}

TEST_F(MamTest, UnknownIdsAndBadQueriesAreRefused) {
  alice->sendToServer(chat("bob@example.test", "x"));
  EXPECT_EQ(query(*alice, rsm("after", "garbage")).errorCondition(), "item-not-found");
  // Well-formed, but not in this archive.
  const auto stranger = formatArchiveId(ArchiveId{storage::archiveSeqAt(t.clock.now()) + 999, 1});
  EXPECT_EQ(query(*alice, rsm("before", stranger)).errorCondition(), "item-not-found");
  EXPECT_EQ(query(*alice, rsm("index", "2")).errorCondition(), "feature-not-implemented");
  EXPECT_EQ(query(*alice, with("@@")).errorCondition(), "bad-request");
  // Another user's id is unknown in this archive.
  auto bob = bobOnline();
  alice->sendToServer(chat("bob@example.test", "y"));
  auto bobs = query(*bob, nullptr);
  ASSERT_FALSE(bobs.results.empty());
  EXPECT_EQ(query(*alice, rsm("after", bobs.rsm("first"))).errorCondition(), "item-not-found");
}

TEST_F(MamTest, AnswersTheFormFieldsRequest) {
  auto answer = query(*alice, nullptr, "get");
  ASSERT_TRUE(answer.iq);
  EXPECT_EQ(answer.iq->attr("type"), "result");
  const auto* form = answer.iq->child("query", kMamNs)->child("x", kDataFormsNs);
  ASSERT_NE(form, nullptr);
  std::vector<std::string> vars;
  for (const auto& f : form->children("field", kDataFormsNs)) vars.emplace_back(f.attr("var"));
  EXPECT_EQ(vars, (std::vector<std::string>{"FORM_TYPE", "with", "start", "end", "after-id",
                                            "before-id"}));
}

TEST_F(MamTest, PrefsNeverStopsArchivingAndNeverListsWinOverAlways) {
  auto bob = bobOnline();
  setPrefs(*alice, "never");
  alice->sendToServer(chat("bob@example.test", "off the record"));
  EXPECT_TRUE(query(*alice, nullptr).results.empty());
  EXPECT_EQ(query(*bob, nullptr).bodies(), std::vector<std::string>{"off the record"});

  setPrefs(*bob, "always", "alice@example.test");
  alice->sendToServer(chat("bob@example.test", "not kept by bob"));
  auto delivered = bob->take();
  ASSERT_FALSE(delivered.empty());
  EXPECT_EQ(delivered.back().child("stanza-id", kStanzaIdNs), nullptr);
  EXPECT_EQ(query(*bob, nullptr).bodies(), std::vector<std::string>{"off the record"});

  // Stored: a get answers what was set, also after the cache is gone.
  EXPECT_EQ(t.storage->archive().prefs("alice", "example.test")->value().defaultMode,
            storage::ArchiveDefault::never);
  xml::Element get("iq", std::string(xmpp::ns::client));
  get.setAttr("type", "get").setAttr("id", "g");
  get.addChild("prefs", std::string(kMamNs));
  bob->take();
  bob->sendToServer(std::move(get));
  auto answer = bob->take();
  ASSERT_EQ(answer.size(), 1U);
  const auto* prefs = answer[0].child("prefs", kMamNs);
  ASSERT_NE(prefs, nullptr);
  EXPECT_EQ(prefs->attr("default"), "always");
  EXPECT_EQ(prefs->child("never", kMamNs)->childText("jid", kMamNs), "alice@example.test");
}

TEST_F(MamTest, BadPrefsAreRefused) {
  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", "set").setAttr("id", "p");
  iq.addChild("prefs", std::string(kMamNs)).setAttr("default", "sometimes");
  alice->take();
  alice->sendToServer(std::move(iq));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "error");
}

}  // namespace
}  // namespace keyfed::modules
