// Which stanzas a component may send, and what happens to stanzas for an absent one.

#include "stanza_rules.hpp"

#include <gtest/gtest.h>

#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::component {
namespace {

namespace ns = xmpp::ns;
using Verdict = Inbound::Verdict;

xml::Element message(std::string_view from, std::string_view to) {
  xml::Element m("message", std::string(ns::component));
  if (!from.empty()) m.setAttr("from", std::string(from));
  if (!to.empty()) m.setAttr("to", std::string(to));
  m.addChild("body", std::string(ns::component)).addText("hi");
  return m;
}

TEST(StanzaRules, AnyJidAtTheComponentDomainMaySend) {
  for (const char* from :
       {"gw.example.org", "bot@gw.example.org", "bot@gw.example.org/r", "Bot@GW.example.org"}) {
    auto m = message(from, "alice@example.org");
    auto inbound = checkFromComponent(m, "gw.example.org");
    EXPECT_EQ(inbound.verdict, Verdict::route) << from;
    EXPECT_EQ(inbound.to.full(), "alice@example.org");
  }
}

TEST(StanzaRules, AnotherDomainOrASubdomainIsAnInvalidFrom) {
  for (const char* from : {"alice@example.org", "example.org", "x@sub.gw.example.org",
                           "gw.example.org.evil", "@gw.example.org", "a@b@gw.example.org"}) {
    auto m = message(from, "alice@example.org");
    EXPECT_EQ(checkFromComponent(m, "gw.example.org").verdict, Verdict::invalidFrom) << from;
  }
}

TEST(StanzaRules, MissingFromIsTheComponentDomain) {
  auto m = message("", "alice@example.org");
  EXPECT_EQ(checkFromComponent(m, "gw.example.org").verdict, Verdict::route);
  EXPECT_EQ(m.attr("from"), "gw.example.org");
}

TEST(StanzaRules, FromAndToArePrepared) {
  auto m = message("Bot@GW.Example.org", "Alice@Example.ORG/Phone");
  ASSERT_EQ(checkFromComponent(m, "gw.example.org").verdict, Verdict::route);
  EXPECT_EQ(m.attr("from"), "bot@gw.example.org");
  EXPECT_EQ(m.attr("to"), "alice@example.org/Phone");
}

TEST(StanzaRules, MissingOrMalformedToIsAnsweredNotRouted) {
  auto none = message("bot@gw.example.org", "");
  auto inbound = checkFromComponent(none, "gw.example.org");
  EXPECT_EQ(inbound.verdict, Verdict::replyError);
  EXPECT_EQ(inbound.error, xmpp::StanzaErrorCondition::badRequest);

  auto malformed = message("bot@gw.example.org", "a@b@example.org");
  inbound = checkFromComponent(malformed, "gw.example.org");
  EXPECT_EQ(inbound.verdict, Verdict::replyError);
  EXPECT_EQ(inbound.error, xmpp::StanzaErrorCondition::jidMalformed);
}

TEST(StanzaRules, RoutedStanzasMoveToTheServerNamespaceWithTheirChildren) {
  auto m = message("bot@gw.example.org", "alice@example.org");
  m.addChild("x", "jabber:x:oob");
  ASSERT_EQ(checkFromComponent(m, "gw.example.org").verdict, Verdict::route);
  EXPECT_EQ(m.ns(), ns::server);
  EXPECT_NE(m.child("body", ns::server), nullptr);
  EXPECT_NE(m.child("x", "jabber:x:oob"), nullptr) << "payload namespaces are kept";
}

TEST(StanzaRules, WhileDisconnectedRequestsAndMessagesBounceTheRestIsDropped) {
  auto stanza = [](std::string_view name, std::string_view type) {
    xml::Element e{std::string(name), std::string(ns::client)};
    if (!type.empty()) e.setAttr("type", std::string(type));
    return e;
  };
  EXPECT_TRUE(bounceWhileDisconnected(stanza("message", "")));
  EXPECT_TRUE(bounceWhileDisconnected(stanza("message", "chat")));
  EXPECT_TRUE(bounceWhileDisconnected(stanza("iq", "get")));
  EXPECT_TRUE(bounceWhileDisconnected(stanza("iq", "set")));
  EXPECT_FALSE(bounceWhileDisconnected(stanza("message", "error")));
  EXPECT_FALSE(bounceWhileDisconnected(stanza("iq", "result")));
  EXPECT_FALSE(bounceWhileDisconnected(stanza("iq", "error")));
  EXPECT_FALSE(bounceWhileDisconnected(stanza("presence", "")));
  EXPECT_FALSE(bounceWhileDisconnected(stanza("presence", "subscribe")));
}

}  // namespace
}  // namespace keyfed::modules::component
