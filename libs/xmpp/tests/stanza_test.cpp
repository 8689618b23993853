#include "keyfed/xmpp/stanza.hpp"

#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/client_namespace.hpp"
#include "keyfed/xmpp/namespaces.hpp"

#include <gtest/gtest.h>

namespace keyfed::xmpp {
namespace {

xml::Element message() {
  xml::Element m("message", std::string(ns::client));
  m.setAttr("from", "romeo@example.net/orchard")
      .setAttr("to", "juliet@example.com")
      .setAttr("type", "chat")
      .setAttr("id", "m1")
      .setAttr("xml:lang", "en");
  m.addChild("body", std::string(ns::client)).addText("Wherefore?");
  return m;
}

TEST(Stanza, Kinds) {
  EXPECT_EQ(stanzaKind(message()), StanzaKind::message);
  EXPECT_EQ(stanzaKind(xml::Element("presence", std::string(ns::server))), StanzaKind::presence);
  EXPECT_EQ(stanzaKind(xml::Element("iq", std::string(ns::component))), StanzaKind::iq);
  EXPECT_EQ(stanzaKind(xml::Element("iq", "urn:other")), StanzaKind::other);
  EXPECT_EQ(stanzaKind(xml::Element("starttls", std::string(ns::tls))), StanzaKind::other);
  EXPECT_EQ(stanzaKind(xml::Element("auth", std::string(ns::client))), StanzaKind::other);
}

TEST(Stanza, Accessors) {
  xml::Element m = message();
  EXPECT_EQ(stanzaType(m), "chat");
  EXPECT_EQ(stanzaId(m), "m1");
  EXPECT_EQ(stanzaFrom(m), "romeo@example.net/orchard");
  EXPECT_EQ(stanzaTo(m), "juliet@example.com");
}

TEST(Stanza, ErrorReplySwapsAddressesAndKeepsChildren) {
  xml::Element reply =
      makeErrorReply(message(), StanzaErrorCondition::serviceUnavailable, "nobody home");
  EXPECT_EQ(xml::toString(reply, xml::WriteContext{ns::client, {}}),
            "<message to='romeo@example.net/orchard' from='juliet@example.com' type='error' "
            "id='m1' xml:lang='en'><body>Wherefore?</body><error type='cancel'>"
            "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>nobody home</text>"
            "</error></message>");
  EXPECT_FALSE(canReplyWithError(reply));
  EXPECT_TRUE(canReplyWithError(message()));
  auto parsed = parseStanzaError(reply);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->condition, StanzaErrorCondition::serviceUnavailable);
}

TEST(Stanza, ErrorReplyWithoutAddressesOmitsThem) {
  xml::Element iq("iq", std::string(ns::client));
  iq.setAttr("type", "get").setAttr("id", "q");
  iq.addChild("query", std::string(ns::roster));
  StanzaError e;
  e.condition = StanzaErrorCondition::badRequest;
  e.type = StanzaErrorType::cancel;
  xml::Element reply = makeErrorReply(iq, e);
  EXPECT_FALSE(reply.hasAttr("to"));
  EXPECT_FALSE(reply.hasAttr("from"));
  EXPECT_EQ(reply.child("error", std::string(ns::client))->attr("type"), "cancel");
  EXPECT_NE(reply.child("query", std::string(ns::roster)), nullptr);
}

TEST(Stanza, ServerStreamErrorReplyUsesServerNamespace) {
  xml::Element p("presence", std::string(ns::server));
  p.setAttr("from", "a@x").setAttr("to", "b@y");
  xml::Element reply = makeErrorReply(p, StanzaErrorCondition::remoteServerNotFound);
  EXPECT_NE(reply.child("error", std::string(ns::server)), nullptr);
}

TEST(Stanza, IqResultsAndErrors) {
  xml::Element iq("iq", std::string(ns::client));
  iq.setAttr("type", "get").setAttr("id", "p1").setAttr("from", "a@x/r").setAttr("to", "x");
  iq.addChild("ping", std::string(ns::ping));
  EXPECT_TRUE(isIqRequest(iq));
  ASSERT_NE(iqPayload(iq), nullptr);
  EXPECT_EQ(iqPayload(iq)->ns(), ns::ping);
  xml::WriteContext ctx{ns::client, {}};
  EXPECT_EQ(xml::toString(makeIqResult(iq), ctx),
            "<iq to='a@x/r' from='x' type='result' id='p1'/>");
  EXPECT_EQ(
      xml::toString(makeIqResult(iq, xml::Element("query", std::string(ns::version))), ctx),
      "<iq to='a@x/r' from='x' type='result' id='p1'><query xmlns='jabber:iq:version'/></iq>");
  StanzaError e;
  e.condition = StanzaErrorCondition::featureNotImplemented;
  EXPECT_EQ(xml::toString(makeIqError(iq, e), ctx),
            "<iq to='a@x/r' from='x' type='error' id='p1'><error type='cancel'>"
            "<feature-not-implemented xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
  xml::Element result = makeIqResult(iq);
  EXPECT_FALSE(isIqRequest(result));
}

TEST(ClientNamespace, MovesTheStanzaNamespaceOnlyWhereItIsTheServers) {
  xml::Element m("message", std::string(ns::server));
  m.addChild("body", std::string(ns::server)).addText("hi");
  auto& x = m.addChild("x", "urn:example");
  x.addChild("inner", std::string(ns::server));
  toClientNamespace(m);
  EXPECT_EQ(m.ns(), ns::client);
  EXPECT_EQ(m.child("body", ns::client)->text(), "hi");
  ASSERT_NE(m.child("x", "urn:example"), nullptr);
  EXPECT_NE(m.child("x", "urn:example")->child("inner", ns::server), nullptr)
      << "inside another namespace nothing changes";
}

}  // namespace
}  // namespace keyfed::xmpp
