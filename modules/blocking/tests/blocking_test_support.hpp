#pragma once
// Shared pieces of the blocking module tests: a server with the module, users
// alice, bob and carol, and stanza builders.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "keyfed/modules/blocking.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::blocking_test {

namespace ns = xmpp::ns;
using server::TestClientSession;

inline xml::Element message(std::string_view to, std::string_view type = "chat") {
  xml::Element m("message", std::string(ns::client));
  if (!to.empty()) m.setAttr("to", to);
  if (!type.empty()) m.setAttr("type", type);
  m.addChild("body", std::string(ns::client)).addText("hi");
  return m;
}

inline xml::Element presence(std::string_view to, std::string_view type = {}) {
  xml::Element p("presence", std::string(ns::client));
  if (!to.empty()) p.setAttr("to", to);
  if (!type.empty()) p.setAttr("type", type);
  return p;
}

inline xml::Element iq(std::string_view type, std::string_view to, xml::Element payload,
                       std::string_view id = "q1") {
  xml::Element q("iq", std::string(ns::client));
  q.setAttr("type", type);
  q.setAttr("id", id);
  if (!to.empty()) q.setAttr("to", to);
  q.addChild(std::move(payload));
  return q;
}

inline xml::Element items(std::string_view name, const std::vector<std::string>& jids) {
  xml::Element e{std::string(name), std::string(ns::blocking)};
  for (const auto& j : jids) e.addChild("item", std::string(ns::blocking)).setAttr("jid", j);
  return e;
}

inline std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

inline std::vector<std::string> itemJids(const xml::Element& list) {
  std::vector<std::string> out;
  for (const auto& item : list.children("item", ns::blocking)) out.emplace_back(item.attr("jid"));
  return out;
}

class BlockingTest : public ::testing::Test {
 protected:
  explicit BlockingTest(const std::vector<std::string>& domains = {"example.test"}) : t(domains) {}

  void SetUp() override {
    for (const char* user : {"alice", "bob", "carol"}) t.addUser(user, "example.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeBlockingModule());
    ASSERT_TRUE(t.start(std::move(modules)));
    alice = online("alice", "a");
    bob = online("bob", "b");
  }

  std::unique_ptr<TestClientSession> online(std::string_view user, std::string_view resource,
                                            std::string_view domain = "example.test") {
    auto s = t.connect(user, domain, resource);
    s->presence.available = true;
    return s;
  }

  // Sends a block/unblock/blocklist iq as `client` and returns its answer
  // (the first stanza received that carries the request's id).
  xml::Element command(TestClientSession& client, std::string_view type, xml::Element payload) {
    client.sendToServer(iq(type, "", std::move(payload), "cmd"));
    auto got = client.take();
    for (auto& s : got) {
      if (s.attr("id") == "cmd") return s;
    }
    ADD_FAILURE() << "no answer to the command";
    return xml::Element();
  }

  void block(TestClientSession& client, const std::vector<std::string>& jids) {
    auto answer = command(client, "set", items("block", jids));
    ASSERT_EQ(answer.attr("type"), "result") << errorCondition(answer);
  }

  server::TestServer t;
  std::unique_ptr<TestClientSession> alice;
  std::unique_ptr<TestClientSession> bob;
};

}  // namespace keyfed::modules::blocking_test
