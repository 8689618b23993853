#pragma once
// What the roster and presence tests share: a TestServer with both modules,
// three local users, a remote domain whose outgoing stanzas are captured at
// route/remote (as s2s would send them), and stanza builders and readers.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/modules/roster.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::testing {

inline constexpr std::string_view kDomain = "example.test";
inline constexpr std::string_view kAlice = "alice@example.test";
inline constexpr std::string_view kBob = "bob@example.test";
inline constexpr std::string_view kCarol = "carol@example.test";
inline constexpr std::string_view kRemote = "contact@remote.test";

inline xml::Element presence(std::string_view to = {}, std::string_view type = {}) {
  xml::Element p("presence", std::string(xmpp::ns::client));
  if (!to.empty()) p.setAttr("to", to);
  if (!type.empty()) p.setAttr("type", type);
  return p;
}

inline xml::Element withStatus(xml::Element p, std::string_view status) {
  p.addChild("status", std::string(xmpp::ns::client)).addText(status);
  return p;
}

inline xml::Element rosterIq(std::string_view type, std::string_view id = "r1") {
  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", type);
  iq.setAttr("id", id);
  iq.addChild("query", std::string(xmpp::ns::roster));
  return iq;
}

inline xml::Element rosterGet(std::optional<std::string_view> ver = std::nullopt) {
  xml::Element iq = rosterIq("get", "get1");
  if (ver) iq.child("query", xmpp::ns::roster)->setAttr("ver", *ver);
  return iq;
}

inline xml::Element rosterSet(std::string_view jid, std::string_view name = {},
                              const std::vector<std::string>& groups = {}) {
  xml::Element iq = rosterIq("set", "set1");
  auto& item = iq.child("query", xmpp::ns::roster)->addChild("item", std::string(xmpp::ns::roster));
  item.setAttr("jid", jid);
  if (!name.empty()) item.setAttr("name", name);
  for (const auto& g : groups) item.addChild("group", std::string(xmpp::ns::roster)).addText(g);
  return iq;
}

inline xml::Element rosterRemove(std::string_view jid) {
  xml::Element iq = rosterIq("set", "rm1");
  auto& item = iq.child("query", xmpp::ns::roster)->addChild("item", std::string(xmpp::ns::roster));
  item.setAttr("jid", jid);
  item.setAttr("subscription", "remove");
  return iq;
}

inline std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

inline bool isPush(const xml::Element& s) {
  return s.name() == "iq" && s.attr("type") == "set" &&
         s.child("query", xmpp::ns::roster) != nullptr;
}

// The single <item/> of a roster push, or nullptr.
inline const xml::Element* pushedItem(const xml::Element& s) {
  if (!isPush(s)) return nullptr;
  return s.child("query", xmpp::ns::roster)->child("item", xmpp::ns::roster);
}

inline std::vector<xml::Element> pushes(const std::vector<xml::Element>& got) {
  std::vector<xml::Element> out;
  for (const auto& s : got) {
    if (isPush(s)) out.push_back(s);
  }
  return out;
}

inline std::vector<xml::Element> presences(const std::vector<xml::Element>& got,
                                           std::string_view type = "*") {
  std::vector<xml::Element> out;
  for (const auto& s : got) {
    if (s.name() == "presence" && (type == "*" || s.attr("type") == type)) out.push_back(s);
  }
  return out;
}

class ImTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* user : {"alice", "bob", "carol"}) t.addUser(user, kDomain);
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeRosterModule());
    modules.push_back(makePresenceModule());
    ASSERT_TRUE(t.start(std::move(modules)));
    // What s2s would carry to other domains.
    t.server->hooks().stanzas.hook("route/remote", [this](server::StanzaEvent& e) {
      remote.push_back(e.stanza);
      return true;
    });
  }

  // A resource that fetched its roster (interested in pushes) and, when
  // `online`, sent initial presence; what that produced is discarded.
  std::unique_ptr<server::TestClientSession> login(std::string_view user, std::string_view resource,
                                                   bool online = true, int priority = 0) {
    auto s = t.connect(user, kDomain, resource);
    s->sendToServer(rosterGet());
    if (online) s->goOnline(priority);
    s->take();
    return s;
  }

  std::optional<storage::RosterItem> item(std::string_view user, std::string_view jid) {
    auto got = t.storage->roster().item(user, kDomain, jid);
    EXPECT_TRUE(got.has_value());
    return got ? *got : std::nullopt;
  }

  void seed(std::string_view user, const storage::RosterItem& item) {
    ASSERT_TRUE(t.storage->roster().upsert(user, kDomain, item).has_value());
  }

  // 'both' between two local users, on both rosters.
  void makeMutual(std::string_view a, std::string_view b) {
    storage::RosterItem item;
    item.subscription = storage::Subscription::both;
    item.jid = std::string(b) + "@" + std::string(kDomain);
    seed(a, item);
    item.jid = std::string(a) + "@" + std::string(kDomain);
    seed(b, item);
  }

  // Routes a stanza as an authenticated s2s stream would hand it over.
  void fromRemote(xml::Element stanza, std::string_view from = kRemote) {
    stanza.setAttr("from", from);
    t.server->route(std::move(stanza));
  }

  std::vector<xml::Element> takeRemote() { return std::exchange(remote, {}); }

  server::TestServer t;
  std::vector<xml::Element> remote;
};

}  // namespace keyfed::modules::testing
