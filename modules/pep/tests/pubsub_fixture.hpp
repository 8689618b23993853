#pragma once
// The pubsub core's tests: a TestServer with alice@example.test, a
// PubsubService over its SQLite storage with small limits, and builders for
// requests and readers for replies.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keyfed/server/test_server.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "pubsub_service.hpp"

namespace keyfed::modules::pep {

inline constexpr const char* kBob = "bob@example.test/pc";

inline std::string pubsubNs() {
  return std::string(xmpp::ns::pubsub);
}

inline xml::Element parse(const std::string& text) {
  auto el = xml::parseStoredElement(text, 1 << 20);
  EXPECT_TRUE(el) << text;
  return el ? std::move(*el) : xml::Element();
}

inline std::string options(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string x =
      "<publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' "
      "type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>";
  for (auto [var, value] : fields) {
    x += "<field var='" + std::string(var) + "'><value>" + std::string(value) + "</value></field>";
  }
  return x + "</x></publish-options>";
}

inline xml::Element publishIq(std::string_view node, std::string_view id, std::string_view payload,
                              const std::string& extra = {}) {
  std::string item = id.empty() ? "<item>" : "<item id='" + std::string(id) + "'>";
  return parse("<iq xmlns='jabber:client' type='set' id='p1'><pubsub xmlns='" + pubsubNs() +
               "'><publish node='" + std::string(node) + "'>" + item + std::string(payload) +
               "</item></publish>" + extra + "</pubsub></iq>");
}

inline xml::Element itemsIq(std::string_view node, std::string_view inner = {}) {
  return parse("<iq xmlns='jabber:client' type='get' id='i1'><pubsub xmlns='" + pubsubNs() +
               "'><items node='" + std::string(node) + "'" +
               (inner.empty() ? "/>" : ">" + std::string(inner) + "</items>") + "</pubsub></iq>");
}

// The stanza error condition and pubsub#errors condition of a reply ("" when none).
inline std::pair<std::string, std::string> errorOf(const xml::Element& reply) {
  if (xmpp::stanzaType(reply) != "error") return {};
  auto error = xmpp::parseStanzaError(reply);
  std::string app;
  const xml::Element* el = reply.child("error", xmpp::ns::client);
  if (el != nullptr) {
    for (const xml::Element& c : el->children()) {
      if (c.ns() == xmpp::ns::pubsubErrors) app = c.name();
    }
  }
  return {error ? std::string(xmpp::conditionName(error->condition)) : "?", app};
}

inline std::vector<std::string> itemIds(const xml::Element& reply) {
  std::vector<std::string> ids;
  const auto* pubsub = reply.child("pubsub", xmpp::ns::pubsub);
  const auto* items = pubsub ? pubsub->child("items", xmpp::ns::pubsub) : nullptr;
  if (items == nullptr) return ids;
  for (const xml::Element& i : items->children("item", xmpp::ns::pubsub))
    ids.emplace_back(i.attr("id"));
  return ids;
}

class PubsubServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ts.start());
    ts.addUser("alice", "example.test");
    limits.maxItemsPerNode = 5;
    limits.maxNodesPerAccount = 3;
    limits.maxPayloadBytes = 2048;
    limits.maxSubscriptionsPerNode = 3;
    limits.maxSubscriptionsPerAccount = 4;
    service.emplace(ts.storage->pep(), limits);
  }

  // A request from alice's phone (owner) or from bob's pc, with the roster
  // groups alice filed bob under.
  Outcome run(const xml::Element& iq, Relation relation = Relation::owner,
              std::vector<std::string> groups = {}) {
    std::string jid = relation == Relation::owner ? "alice@example.test/phone" : kBob;
    return service->handle(iq, alice, Requester{std::move(jid), relation, std::move(groups)});
  }

  server::TestServer ts;
  PepConfig limits;
  std::optional<PubsubService> service;
  xmpp::Jid alice = *xmpp::Jid::parse("alice@example.test");
};

}  // namespace keyfed::modules::pep
