#include "keyfed/xml/writer.hpp"

#include "keyfed/xml/stream_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyfed::xml {
namespace {

constexpr std::string_view kClient = "jabber:client";

struct Collect : StreamHandler {
  std::vector<Element> stanzas;
  void onStreamOpen(const StreamHeader&) override {}
  void onStanza(Element&& e) override { stanzas.push_back(std::move(e)); }
  void onStreamClose() override {}
};

// Parses stanzas written into a jabber:client stream.
std::vector<Element> parseInClientStream(const std::string& body) {
  Collect c;
  StreamParser p(c);
  StreamHeader h;
  h.defaultNs = std::string(kClient);
  std::string doc;
  writeStreamHeader(h, doc);
  doc += body;
  auto r = p.feed(doc);
  EXPECT_TRUE(r) << r.error().describe() << "\n" << doc;
  return c.stanzas;
}

TEST(Writer, StanzaInStreamNamespaceHasNoXmlns) {
  Element m("message", std::string(kClient));
  m.setAttr("to", "juliet@example.com").setAttr("type", "chat");
  m.addChild("body", std::string(kClient)).addText("hi");
  WriteContext ctx{kClient, {}};
  EXPECT_EQ(toString(m, ctx),
            "<message to='juliet@example.com' type='chat'><body>hi</body></message>");
  // Outside a stream the namespace must be declared.
  EXPECT_EQ(toString(m),
            "<message xmlns='jabber:client' to='juliet@example.com' type='chat'>"
            "<body>hi</body></message>");
}

TEST(Writer, ChildInOtherNamespaceGetsXmlnsAndScopesIt) {
  Element iq("iq", std::string(kClient));
  iq.setAttr("type", "result");
  Element& q = iq.addChild("query", "jabber:iq:roster");
  q.addChild("item", "jabber:iq:roster").setAttr("jid", "a@b");
  q.addChild("x", std::string(kClient));
  WriteContext ctx{kClient, {}};
  EXPECT_EQ(toString(iq, ctx),
            "<iq type='result'><query xmlns='jabber:iq:roster'><item jid='a@b'/>"
            "<x xmlns='jabber:client'/></query></iq>");
}

TEST(Writer, StreamPrefixAndStreamDeclaredPrefixes) {
  Element features("features", std::string(kStreamNamespace));
  features.addChild("starttls", "urn:ietf:params:xml:ns:xmpp-tls")
      .addChild("required", "urn:ietf:params:xml:ns:xmpp-tls");
  WriteContext ctx{kClient, {}};
  EXPECT_EQ(toString(features, ctx),
            "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
            "</starttls></stream:features>");
  std::vector<Prefix> prefixes = {{"db", "jabber:server:dialback"}};
  Element db("result", "jabber:server:dialback");
  db.setAttr("from", "a.example").addText("key");
  WriteContext s2s{"jabber:server", prefixes};
  EXPECT_EQ(toString(db, s2s), "<db:result from='a.example'>key</db:result>");
}

// RFC 7395: each element stands alone, declaring what the stream header would have.
TEST(Writer, StandaloneElementsDeclareTheStreamScope) {
  WriteContext ws{kClient, {}, kClient};
  Element features("features", std::string(kStreamNamespace));
  features.addChild("bind", "urn:ietf:params:xml:ns:xmpp-bind");
  EXPECT_EQ(toString(features, ws),
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams' "
            "xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
            "</stream:features>");
  Element message("message", std::string(kClient));
  message.addChild("body", std::string(kClient)).addText("hi");
  EXPECT_EQ(toString(message, ws), "<message xmlns='jabber:client'><body>hi</body></message>");
  Element success("success", "urn:ietf:params:xml:ns:xmpp-sasl");
  EXPECT_EQ(toString(success, ws), "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
}

TEST(Writer, EscapesTextAndAttributes) {
  Element e("body", "");
  e.setAttr("a", "x\"y'z<&>\t\n\r");
  e.addText("1 < 2 && 3 > 2 ]]> \"q\" 'a'\r\n");
  EXPECT_EQ(toString(e),
            "<body a='x&quot;y&apos;z&lt;&amp;&gt;&#x9;&#xA;&#xD;'>"
            "1 &lt; 2 &amp;&amp; 3 &gt; 2 ]]&gt; \"q\" 'a'&#xD;\n</body>");
}

TEST(Writer, InvalidBytesBecomeReplacementCharacter) {
  std::string out;
  escapeText(std::string("a\x01"
                         "b\xC3"
                         "c\xED\xA0\x80"
                         "d\xEF\xBF\xBE"
                         "e",
                         13),
             out);
  EXPECT_EQ(out,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "d\xEF\xBF\xBD"
            "e");
  EXPECT_TRUE(isValidXmlText("caf\xC3\xA9 \xF0\x9F\x98\x80\t\n"));
  EXPECT_FALSE(isValidXmlText("\x01"));
  EXPECT_FALSE(isValidXmlText("\xC0\x80"));
  EXPECT_FALSE(isValidXmlText("\xF4\x90\x80\x80"));
}

TEST(Writer, QualifiedAttributesGetPrefixes) {
  Element e("item", "urn:x");
  e.setAttr("xml:lang", "en").setAttr("{urn:y}flag", "1").setAttr("{urn:y}other", "2");
  EXPECT_EQ(toString(e),
            "<item xmlns='urn:x' xml:lang='en' xmlns:ns1='urn:y' ns1:flag='1' "
            "ns1:other='2'/>");
}

TEST(Writer, EmptyNamespaceUndeclaresDefault) {
  Element m("message", std::string(kClient));
  m.addChild("raw", "");
  EXPECT_EQ(toString(m, WriteContext{kClient, {}}), "<message><raw xmlns=''/></message>");
}

TEST(Writer, StreamHeaderAndClose) {
  StreamHeader h;
  h.defaultNs = "jabber:server";
  h.from = "a.example";
  h.to = "b.example";
  h.id = "i'd";
  h.version = "1.0";
  h.lang = "en";
  h.prefixes.push_back(Prefix{"db", "jabber:server:dialback"});
  std::string out;
  writeStreamHeader(h, out);
  writeStreamClose(out);
  EXPECT_EQ(out,
            "<?xml version='1.0'?><stream:stream xmlns='jabber:server' "
            "xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' "
            "to='b.example' from='a.example' id='i&apos;d' version='1.0' xml:lang='en'>"
            "</stream:stream>");
}

TEST(Writer, RoundTripThroughTheParser) {
  // Long stanzas are split over several adjacent literals on purpose.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  const std::vector<std::string> inputs = {
      "<message to='romeo@example.net' from='juliet@example.com/balcony' type='chat' "
      "id='ktx72v49' xml:lang='en'><body>Art thou not Romeo, and a Montague?</body>"
      "<thread>e0ffe42b28561960c6b12b944a092794b9683a38</thread>"
      "<active xmlns='http://jabber.org/protocol/chatstates'/></message>",
      "<iq type='set' id='x'><query xmlns='jabber:iq:roster'><item jid='a@b' name='&lt;A &amp; "
      "B&gt;'><group>Friends</group></item></query></iq>",
      "<presence><show>away</show><status>multi\nline\ttext &amp; \"quotes\"\r\n</status>"
      "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v='/></presence>",
      "<a:x xmlns:a='urn:a' xmlns:b='urn:b' b:attr='1'><b:y a:q='&apos;'/>mixed<z/>text</a:x>",
      "<message><body><![CDATA[<not markup> & stuff]]></body></message>",
      "<x:y xmlns:x='}odd{uri}' x:a='1'/>",
      "<xml:odd xml:lang='en'/>",
  };
  // NOLINTEND(bugprone-suspicious-missing-comma)
  for (const std::string& in : inputs) {
    SCOPED_TRACE(in);
    auto first = parseInClientStream(in);
    ASSERT_EQ(first.size(), 1u);
    std::string written = toString(first[0], WriteContext{kClient, {}});
    auto second = parseInClientStream(written);
    ASSERT_EQ(second.size(), 1u) << written;
    EXPECT_EQ(second[0], first[0]) << written;
    // Writing again is stable.
    EXPECT_EQ(toString(second[0], WriteContext{kClient, {}}), written);
  }
}

TEST(Writer, ProgrammaticElementRoundTripsWithControlCharacters) {
  Element m("message", std::string(kClient));
  m.addChild("body", std::string(kClient)).addText("tab\there\r\nand \x7F ok");
  std::string written = toString(m, WriteContext{kClient, {}});
  auto back = parseInClientStream(written);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], m);
}

}  // namespace
}  // namespace keyfed::xml
