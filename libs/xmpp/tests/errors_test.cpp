#include "keyfed/xmpp/errors.hpp"

#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace keyfed::xmpp {
namespace {

TEST(StreamErrors, AllRfc6120ConditionsRoundTrip) {
  std::set<std::string> names;
  for (int i = 0; i < kStreamErrorConditionCount; ++i) {
    auto c = static_cast<StreamErrorCondition>(i);
    std::string_view name = conditionName(c);
    names.insert(std::string(name));
    ASSERT_EQ(parseStreamErrorCondition(name), c) << name;
  }
  EXPECT_EQ(names.size(), 25u);
  for (const char* n : {"bad-format",
                        "bad-namespace-prefix",
                        "conflict",
                        "connection-timeout",
                        "host-gone",
                        "host-unknown",
                        "improper-addressing",
                        "internal-server-error",
                        "invalid-from",
                        "invalid-namespace",
                        "invalid-xml",
                        "not-authorized",
                        "not-well-formed",
                        "policy-violation",
                        "remote-connection-failed",
                        "reset",
                        "resource-constraint",
                        "restricted-xml",
                        "see-other-host",
                        "system-shutdown",
                        "undefined-condition",
                        "unsupported-encoding",
                        "unsupported-feature",
                        "unsupported-stanza-type",
                        "unsupported-version"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
  EXPECT_FALSE(parseStreamErrorCondition("xml-not-well-formed"));
}

TEST(StanzaErrors, AllRfc6120ConditionsWithDefaultTypes) {
  std::set<std::string> names;
  for (int i = 0; i < kStanzaErrorConditionCount; ++i) {
    auto c = static_cast<StanzaErrorCondition>(i);
    names.insert(std::string(conditionName(c)));
    ASSERT_EQ(parseStanzaErrorCondition(conditionName(c)), c);
  }
  EXPECT_EQ(names.size(), 22u);
  using C = StanzaErrorCondition;
  using T = StanzaErrorType;
  EXPECT_EQ(defaultType(C::badRequest), T::modify);
  EXPECT_EQ(defaultType(C::conflict), T::cancel);
  EXPECT_EQ(defaultType(C::featureNotImplemented), T::cancel);
  EXPECT_EQ(defaultType(C::forbidden), T::auth);
  EXPECT_EQ(defaultType(C::gone), T::cancel);
  EXPECT_EQ(defaultType(C::internalServerError), T::cancel);
  EXPECT_EQ(defaultType(C::itemNotFound), T::cancel);
  EXPECT_EQ(defaultType(C::jidMalformed), T::modify);
  EXPECT_EQ(defaultType(C::notAcceptable), T::modify);
  EXPECT_EQ(defaultType(C::notAllowed), T::cancel);
  EXPECT_EQ(defaultType(C::notAuthorized), T::auth);
  EXPECT_EQ(defaultType(C::policyViolation), T::modify);
  EXPECT_EQ(defaultType(C::recipientUnavailable), T::wait);
  EXPECT_EQ(defaultType(C::redirect), T::modify);
  EXPECT_EQ(defaultType(C::registrationRequired), T::auth);
  EXPECT_EQ(defaultType(C::remoteServerNotFound), T::cancel);
  EXPECT_EQ(defaultType(C::remoteServerTimeout), T::wait);
  EXPECT_EQ(defaultType(C::resourceConstraint), T::wait);
  EXPECT_EQ(defaultType(C::serviceUnavailable), T::cancel);
  EXPECT_EQ(defaultType(C::subscriptionRequired), T::auth);
  EXPECT_EQ(defaultType(C::unexpectedRequest), T::wait);
  EXPECT_EQ(typeName(T::continue_), "continue");
  EXPECT_EQ(parseStanzaErrorType("continue"), T::continue_);
  EXPECT_FALSE(parseStanzaErrorType("fatal"));
}

TEST(StreamErrors, ParserFaultsMapToStreamErrors) {
  EXPECT_EQ(streamErrorFor(xml::StreamFault::notWellFormed), StreamErrorCondition::notWellFormed);
  EXPECT_EQ(streamErrorFor(xml::StreamFault::restrictedXml), StreamErrorCondition::restrictedXml);
  EXPECT_EQ(streamErrorFor(xml::StreamFault::policyViolation),
            StreamErrorCondition::policyViolation);
  EXPECT_EQ(streamErrorFor(xml::StreamFault::invalidNamespace),
            StreamErrorCondition::invalidNamespace);
  EXPECT_EQ(streamErrorFor(xml::StreamFault::badFormat), StreamErrorCondition::badFormat);
  // Names agree between the two layers.
  for (auto f : {xml::StreamFault::notWellFormed, xml::StreamFault::restrictedXml,
                 xml::StreamFault::policyViolation, xml::StreamFault::invalidNamespace,
                 xml::StreamFault::badNamespacePrefix, xml::StreamFault::badFormat,
                 xml::StreamFault::unsupportedEncoding, xml::StreamFault::internalServerError}) {
    EXPECT_EQ(xml::conditionName(f), conditionName(streamErrorFor(f)));
  }
}

TEST(StreamErrors, SerialisedStreamError) {
  xml::WriteContext ctx{ns::client, {}};
  EXPECT_EQ(xml::toString(makeStreamError(StreamErrorCondition::notWellFormed), ctx),
            "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
            "</stream:error>");
  EXPECT_EQ(
      xml::toString(
          makeStreamError(StreamErrorCondition::seeOtherHost, "moved", "[2001:db8::a]:5222"), ctx),
      "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
      "[2001:db8::a]:5222</see-other-host><text xmlns='urn:ietf:params:xml:ns:xmpp-streams' "
      "xml:lang='en'>moved</text></stream:error>");
}

TEST(StanzaErrors, ErrorElementAndParseBack) {
  StanzaError e;
  e.condition = StanzaErrorCondition::redirect;
  e.conditionContent = "xmpp:other@example.com";
  e.text = "go <there>";
  e.by = "example.com";
  xml::Element app("too-many-requests", "urn:example:app");
  e.applicationCondition = app;
  xml::Element el = makeErrorElement(e, ns::client);
  EXPECT_EQ(
      xml::toString(el, xml::WriteContext{ns::client, {}}),
      "<error type='modify' by='example.com'><redirect "
      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>xmpp:other@example.com</redirect>"
      "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>go &lt;there&gt;</text>"
      "<too-many-requests xmlns='urn:example:app'/></error>");
  xml::Element msg("message", std::string(ns::client));
  msg.addChild(el);
  auto back = parseStanzaError(msg);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->condition, StanzaErrorCondition::redirect);
  EXPECT_EQ(back->effectiveType(), StanzaErrorType::modify);
  EXPECT_EQ(back->text, "go <there>");
  EXPECT_EQ(back->by, "example.com");
  EXPECT_EQ(back->conditionContent, "xmpp:other@example.com");
  ASSERT_TRUE(back->applicationCondition);
  EXPECT_EQ(back->applicationCondition->name(), "too-many-requests");
}

TEST(StanzaErrors, ParseRefusesUnknownCondition) {
  xml::Element msg("message", std::string(ns::client));
  msg.addChild("error", std::string(ns::client)).addChild("made-up", std::string(ns::stanzas));
  EXPECT_FALSE(parseStanzaError(msg));
  EXPECT_FALSE(parseStanzaError(xml::Element("message", std::string(ns::client))));
}

}  // namespace
}  // namespace keyfed::xmpp
