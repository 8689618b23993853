// RFC 7395 framing: messages in, the session's stream events out; and the
// elements written the way RFC 7395 wants them (one standalone element each).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "stream_framing.hpp"

namespace keyfed::modules::c2s {
namespace {

struct Events final : xml::StreamHandler {
  std::vector<std::string> seen;
  xml::StreamHeader header;
  StreamFraming* framing = nullptr;
  bool restartOnSuccess = false;
  void onStreamOpen(const xml::StreamHeader& h) override {
    header = h;
    seen.push_back("open to=" + h.to + " version=" + h.version);
  }
  void onStanza(xml::Element&& e) override {
    seen.push_back(e.name() + " " + e.ns());
    if (restartOnSuccess && e.name() == "success") framing->restart();
  }
  void onStreamClose() override { seen.emplace_back("close"); }
};

constexpr std::string_view kOpen =
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/>";

class WebSocketFramingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    xml::ParserLimits limits;
    limits.maxStanzaBytes = 10000;
    limits.contentNamespaces = {"jabber:client"};
    framing = makeWebSocketFraming(events, limits);
    events.framing = framing.get();
  }
  Events events;
  std::unique_ptr<StreamFraming> framing;
};

TEST_F(WebSocketFramingTest, OpenStanzasAndCloseBecomeStreamEvents) {
  ASSERT_TRUE(framing->feed(kOpen));
  ASSERT_TRUE(
      framing->feed("<message xmlns='jabber:client' to='a@example.com'><body>hi</body></message>"));
  ASSERT_TRUE(framing->feed("  <iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>\n"));
  ASSERT_TRUE(framing->feed("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"));
  EXPECT_EQ(events.seen,
            (std::vector<std::string>{"open to=example.com version=1.0", "message jabber:client",
                                      "iq jabber:client", "close"}));
  EXPECT_EQ(events.header.defaultNs, "jabber:client");
}

TEST_F(WebSocketFramingTest, RestartWantsANewOpen) {
  events.restartOnSuccess = true;
  ASSERT_TRUE(framing->feed(kOpen));
  ASSERT_TRUE(framing->feed("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"));
  ASSERT_TRUE(framing->feed(kOpen));
  EXPECT_EQ(events.seen.size(), 3U);
  // Without a restart, a second <open/> is an error.
  EXPECT_FALSE(framing->feed(kOpen));
  EXPECT_EQ(framing->fault(), xml::StreamFault::badFormat);
}

TEST_F(WebSocketFramingTest, StanzaBeforeOpenIsRefused) {
  EXPECT_FALSE(framing->feed("<message xmlns='jabber:client'/>"));
  EXPECT_EQ(framing->fault(), xml::StreamFault::badFormat);
  EXPECT_TRUE(events.seen.empty());
}

TEST_F(WebSocketFramingTest, AMessageHoldsExactlyOneWholeElement) {
  // {message, whether its first element reaches the session before the refusal}
  for (auto [bad, firstDelivered] :
       {std::pair<std::string_view, bool>{"<message xmlns='jabber:client'>", false},
        {"<presence/><presence/>", true},
        {"<presence/><iq>", true},
        {"<presence/><iq", false},
        {"hello", false},
        {"<presence/>text", false}}) {
    Events e;
    auto f = makeWebSocketFraming(e, {});
    ASSERT_TRUE(f->feed(kOpen));
    EXPECT_FALSE(f->feed(bad)) << bad;
    EXPECT_EQ(e.seen.size(), firstDelivered ? 2U : 1U) << bad;
    EXPECT_TRUE(f->fault().has_value()) << bad;
  }
}

TEST_F(WebSocketFramingTest, RestrictedXmlAndLimitsStillApply) {
  ASSERT_TRUE(framing->feed(kOpen));
  EXPECT_FALSE(framing->feed("<!-- comment --><presence/>"));
  EXPECT_EQ(framing->fault(), xml::StreamFault::restrictedXml);

  Events e;
  xml::ParserLimits limits;
  limits.maxStanzaBytes = 100;
  auto small = makeWebSocketFraming(e, limits);
  ASSERT_TRUE(small->feed(kOpen));
  EXPECT_FALSE(small->feed("<message><body>" + std::string(200, 'x') + "</body></message>"));
  EXPECT_EQ(small->fault(), xml::StreamFault::policyViolation);
}

TEST_F(WebSocketFramingTest, WhitespaceOnlyMessageIsIgnored) {
  ASSERT_TRUE(framing->feed(kOpen));
  EXPECT_TRUE(framing->feed(" \r\n"));
  EXPECT_EQ(events.seen.size(), 1U);
}

TEST_F(WebSocketFramingTest, WritesStandaloneElements) {
  std::string out;
  xml::StreamHeader header;
  header.from = "example.com";
  header.id = "abc";
  header.version = "1.0";
  header.lang = "en";
  framing->writeOpen(header, out);
  EXPECT_EQ(out,
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.com' id='abc' "
            "version='1.0' xml:lang='en'/>");

  out.clear();
  xml::Element features("features", std::string(xml::kStreamNamespace));
  features.addChild("bind", std::string(xmpp::ns::bind));
  framing->writeElement(features, xmpp::ns::client, out);
  EXPECT_EQ(out,
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams' "
            "xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
            "</stream:features>");

  // A stanza from s2s (jabber:server) reaches the client in jabber:client.
  out.clear();
  xml::Element message("message", std::string(xmpp::ns::server));
  message.setAttr("from", "b@other.example");
  message.addChild("body", std::string(xmpp::ns::server)).addText("hi");
  framing->writeElement(message, xmpp::ns::server, out);
  EXPECT_EQ(out, "<message xmlns='jabber:client' from='b@other.example'><body>hi</body></message>");

  out.clear();
  framing->writeClose(out);
  EXPECT_EQ(out, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  EXPECT_FALSE(framing->stopForTls());
}

TEST(TcpFraming, WritesInsideTheStreamDocument) {
  Events events;
  auto framing = makeTcpFraming(events, {});
  std::string out;
  xml::Element features("features", std::string(xml::kStreamNamespace));
  framing->writeElement(features, xmpp::ns::client, out);
  EXPECT_EQ(out, "<stream:features/>");
  out.clear();
  framing->writeClose(out);
  EXPECT_EQ(out, "</stream:stream>");
}

}  // namespace
}  // namespace keyfed::modules::c2s
