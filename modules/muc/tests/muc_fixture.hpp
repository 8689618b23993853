#pragma once
// The MUC tests' fixture: a TestServer (real router, real SQLite) with the
// MUC module and four users, and helpers that script what the XEP's examples do.
#include <gtest/gtest.h>

#include "keyfed/modules/muc.hpp"
#include "keyfed/modules/muc_config.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "muc_ns.hpp"

namespace keyfed::modules::muc::test {

using server::TestClientSession;

inline constexpr std::string_view kRoom = "room@conference.example.test";

inline std::string errorOf(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

inline std::vector<std::string> statusCodes(const xml::Element& presence) {
  std::vector<std::string> out;
  if (const auto* x = presence.child("x", ns::user)) {
    for (const auto& s : x->children("status", ns::user)) out.emplace_back(s.attr("code"));
  }
  return out;
}

inline const xml::Element* item(const xml::Element& presence) {
  const auto* x = presence.child("x", ns::user);
  return x == nullptr ? nullptr : x->child("item", ns::user);
}

inline std::vector<const xml::Element*> named(const std::vector<xml::Element>& got,
                                              std::string_view name) {
  std::vector<const xml::Element*> out;
  for (const auto& s : got) {
    if (s.name() == name) out.push_back(&s);
  }
  return out;
}

class MucTest : public ::testing::Test {
 protected:
  // A suite's own [muc] settings, before the server starts.
  virtual void adjust(MucConfig& /*config*/) {}

  void SetUp() override {
    MucConfig c;
    c.enabled = true;
    c.maxHistory = 5;
    c.defaultHistory = 5;
    adjust(c);
    ts.config.sections["muc"] = c;
    for (auto name : {"alice", "bob", "carol", "dave"}) ts.addUser(name, "example.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeMucModule());
    ASSERT_TRUE(ts.start(std::move(modules)));
    alice = ts.connect("alice", "example.test", "a");
    bob = ts.connect("bob", "example.test", "b");
    carol = ts.connect("carol", "example.test", "c");
  }

  static xml::Element joinPresence(std::string_view nick, std::string_view password = {},
                                   std::string_view maxstanzas = {}) {
    xml::Element p("presence", std::string(xmpp::ns::client));
    p.setAttr("to", std::string(kRoom) + "/" + std::string(nick));
    auto& x = p.addChild("x", std::string(ns::muc));
    if (!password.empty()) x.addChild("password", std::string(ns::muc)).addText(password);
    if (!maxstanzas.empty())
      x.addChild("history", std::string(ns::muc)).setAttr("maxstanzas", maxstanzas);
    return p;
  }

  static xml::Element iq(std::string_view type, std::string_view to, xml::Element payload) {
    xml::Element q("iq", std::string(xmpp::ns::client));
    q.setAttr("type", type);
    q.setAttr("id", "q1");
    q.setAttr("to", to);
    q.addChild(std::move(payload));
    return q;
  }

  // Submits a configuration form (empty: the instant room).
  xml::Element configure(TestClientSession& owner,
                         const std::vector<std::pair<std::string, std::string>>& fields = {}) {
    xml::Element query("query", std::string(ns::owner));
    auto& x = query.addChild("x", std::string(ns::dataForms));
    x.setAttr("type", "submit");
    for (const auto& [var, value] : fields) {
      auto& f = x.addChild("field", std::string(ns::dataForms));
      f.setAttr("var", "muc#roomconfig_" + var);
      f.addChild("value", std::string(ns::dataForms)).addText(value);
    }
    owner.sendToServer(iq("set", kRoom, std::move(query)));
    return lastIq(owner);
  }

  xml::Element admin(TestClientSession& actor, std::string_view attr, std::string_view value,
                     std::string_view which, std::string_view what) {
    xml::Element query("query", std::string(ns::admin));
    auto& it = query.addChild("item", std::string(ns::admin));
    it.setAttr(attr, value);
    it.setAttr(which, what);
    actor.sendToServer(iq("set", kRoom, std::move(query)));
    return lastIq(actor);
  }

  static xml::Element lastIq(TestClientSession& s) {
    auto got = s.take();
    auto iqs = named(got, "iq");
    return iqs.empty() ? xml::Element() : *iqs.back();
  }

  static xml::Element groupchat(std::string_view body) {
    xml::Element m("message", std::string(xmpp::ns::client));
    m.setAttr("to", kRoom);
    m.setAttr("type", "groupchat");
    m.addChild("body", std::string(xmpp::ns::client)).addText(body);
    return m;
  }

  // alice owns an open room; bob has joined it.
  void openRoomWithBob() {
    alice->sendToServer(joinPresence("alice"));
    ASSERT_EQ(configure(*alice).attr("type"), "result");
    bob->sendToServer(joinPresence("bob"));
    alice->take();
    bob->take();
  }

  server::TestServer ts;
  std::unique_ptr<TestClientSession> alice, bob, carol;
};

}  // namespace keyfed::modules::muc::test
