#include "keyfed/xml/stream_parser.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace keyfed::xml {
namespace {

constexpr std::string_view kClientHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' "
    "xml:lang='en'>";

struct Recorder : StreamHandler {
  std::vector<StreamHeader> headers;
  std::vector<Element> stanzas;
  int closes = 0;
  int whitespace = 0;
  StreamParser* parser = nullptr;
  std::string stopOn;   // stanza name that makes the handler call stop()
  std::string resetOn;  // stanza name that makes the handler call reset()
  bool throwOnStanza = false;

  void onStreamOpen(const StreamHeader& h) override { headers.push_back(h); }
  void onStanza(Element&& e) override {
    if (throwOnStanza) throw std::runtime_error("boom");
    std::string name = e.name();
    stanzas.push_back(std::move(e));
    if (parser != nullptr && name == stopOn) parser->stop();
    if (parser != nullptr && name == resetOn) parser->reset();
  }
  void onStreamClose() override { ++closes; }
  void onWhitespace() override { ++whitespace; }
};

struct ParserTest : ::testing::Test {
  Recorder rec;
  ParserLimits limits;
  std::unique_ptr<StreamParser> parser;

  StreamParser& make() {
    parser = std::make_unique<StreamParser>(rec, limits);
    rec.parser = parser.get();
    return *parser;
  }
  // Feeds the client header then `body`; returns the result of the body feed.
  base::Result<void> afterHeader(std::string_view body) {
    StreamParser& p = make();
    auto h = p.feed(kClientHeader);
    EXPECT_TRUE(h.has_value()) << h.error().describe();
    return p.feed(body);
  }
  void expectFault(const base::Result<void>& r, StreamFault f) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, "xml." + std::string(conditionName(f))) << r.error().describe();
    ASSERT_TRUE(parser->fault().has_value());
    EXPECT_EQ(*parser->fault(), f);
  }
};

TEST_F(ParserTest, HeaderStanzaAndClose) {
  auto r = afterHeader(
      "<message to='juliet@example.com' type='chat' id='m1'><body>Hi &amp; bye &lt;3 &#x263A;"
      "</body></message></stream:stream>");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(rec.headers.size(), 1u);
  const StreamHeader& h = rec.headers[0];
  EXPECT_EQ(h.defaultNs, "jabber:client");
  EXPECT_EQ(h.to, "example.com");
  EXPECT_EQ(h.version, "1.0");
  EXPECT_EQ(h.lang, "en");
  EXPECT_EQ(h.prefixUri("stream"), kStreamNamespace);
  EXPECT_EQ(h.attr("xml:lang"), "en");
  ASSERT_EQ(rec.stanzas.size(), 1u);
  const Element& m = rec.stanzas[0];
  EXPECT_EQ(m.name(), "message");
  EXPECT_EQ(m.ns(), "jabber:client");
  EXPECT_EQ(m.attr("id"), "m1");
  ASSERT_NE(m.child("body", "jabber:client"), nullptr);
  EXPECT_EQ(m.childText("body", "jabber:client"), "Hi & bye <3 \xE2\x98\xBA");
  EXPECT_EQ(rec.closes, 1);
  EXPECT_TRUE(parser->closed());
}

TEST_F(ParserTest, NamespacesResolvedOnChildrenAndNonzas) {
  auto r = afterHeader(
      "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
      "<iq type='get' id='1'><query xmlns='jabber:iq:roster' ver=''/></iq>"
      "<x:item xmlns:x='urn:x' x:attr='v' xml:lang='de'><x:sub/><plain/></x:item>");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(rec.stanzas.size(), 3u);
  EXPECT_TRUE(rec.stanzas[0].is("starttls", "urn:ietf:params:xml:ns:xmpp-tls"));
  EXPECT_TRUE(rec.stanzas[1].child("query", "jabber:iq:roster") != nullptr);
  EXPECT_TRUE(rec.stanzas[1].child("query", "")->hasAttr("ver"));
  const Element& item = rec.stanzas[2];
  EXPECT_TRUE(item.is("item", "urn:x"));
  EXPECT_EQ(item.attr("{urn:x}attr"), "v");
  EXPECT_EQ(item.attr("xml:lang"), "de");
  EXPECT_NE(item.child("sub", "urn:x"), nullptr);
  // <plain/> has no prefix: it is in the stream's default namespace.
  EXPECT_NE(item.child("plain", "jabber:client"), nullptr);
}

TEST_F(ParserTest, ByteByByteFeedingGivesTheSameResult) {
  std::string all = std::string(kClientHeader) +
                    "<message id='a'><body>caf\xC3\xA9 &amp; th\xC3\xA9</body></message> \n"
                    "<presence/></stream:stream>";
  StreamParser& p = make();
  for (char c : all) {
    auto r = p.feed(std::string_view(&c, 1));
    ASSERT_TRUE(r) << r.error().describe();
  }
  ASSERT_EQ(rec.headers.size(), 1u);
  ASSERT_EQ(rec.stanzas.size(), 2u);
  EXPECT_EQ(rec.stanzas[0].childText("body", ""), "caf\xC3\xA9 & th\xC3\xA9");
  EXPECT_EQ(rec.stanzas[1].name(), "presence");
  EXPECT_EQ(rec.closes, 1);
  EXPECT_EQ(p.bytesParsed(), all.size());
}

TEST_F(ParserTest, WhitespaceKeepalivesAreReported) {
  auto r = afterHeader(" ");
  ASSERT_TRUE(r);
  ASSERT_TRUE(parser->feed("\n\t "));
  ASSERT_TRUE(parser->feed("<presence/>\r\n"));
  EXPECT_GE(rec.whitespace, 3);
  EXPECT_EQ(rec.stanzas.size(), 1u);
}

TEST_F(ParserTest, TextAtStreamLevelIsBadFormat) {
  expectFault(afterHeader("hello"), StreamFault::badFormat);
}

TEST_F(ParserTest, StreamRestartAfterReset) {
  ASSERT_TRUE(
      afterHeader("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                  "AGp1bGlldABwYXNz</auth>"));
  parser->reset();
  EXPECT_FALSE(parser->headerSeen());
  ASSERT_TRUE(parser->feed(kClientHeader));
  ASSERT_TRUE(parser->feed("<iq type='set' id='b'/>"));
  EXPECT_EQ(rec.headers.size(), 2u);
  ASSERT_EQ(rec.stanzas.size(), 2u);
  EXPECT_EQ(rec.stanzas[1].name(), "iq");
}

TEST_F(ParserTest, StopLeavesTheFollowingBytesUnparsed) {
  rec.stopOn = "starttls";
  const std::string tail = "\x16\x03\x01 not xml at all <<<";
  auto r = afterHeader("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" + tail);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(parser->stopped());
  EXPECT_EQ(parser->unconsumed(), tail.size());
  EXPECT_EQ(rec.stanzas.size(), 1u);
  auto again = parser->feed("<presence/>");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "xml.stopped");
  parser->reset();
  ASSERT_TRUE(parser->feed(kClientHeader));
  EXPECT_EQ(rec.headers.size(), 2u);
}

TEST_F(ParserTest, StopAcrossSlicesCountsEverythingAfterTheEvent) {
  rec.stopOn = "starttls";
  const std::string tail(10000, 'x');
  auto r = afterHeader("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" + tail);
  ASSERT_TRUE(r);
  EXPECT_EQ(parser->unconsumed(), tail.size());
}

TEST_F(ParserTest, ResetFromCallbackRestartsWithPipelinedBytes) {
  rec.resetOn = "success";
  auto r = afterHeader("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" +
                       std::string(kClientHeader) + "<iq type='get' id='x'/>");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(rec.headers.size(), 2u);
  ASSERT_EQ(rec.stanzas.size(), 2u);
  EXPECT_EQ(rec.stanzas[1].name(), "iq");
  EXPECT_FALSE(parser->stopped());
}

TEST_F(ParserTest, HandlerExceptionBecomesInternalServerError) {
  rec.throwOnStanza = true;
  expectFault(afterHeader("<presence/>"), StreamFault::internalServerError);
}

// --- RFC 6120 11.1 restricted XML --------------------------------------------

TEST_F(ParserTest, DoctypeIsRestricted) {
  make();
  expectFault(parser->feed("<?xml version='1.0'?><!DOCTYPE stream:stream []>"),
              StreamFault::restrictedXml);
}

TEST_F(ParserTest, BillionLaughsIsRefusedBeforeExpansion) {
  make();
  std::string bomb = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>";
  for (int i = 1; i < 10; ++i) {
    bomb += "<!ENTITY lol" + std::to_string(i) + " '";
    for (int k = 0; k < 10; ++k)
      bomb += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    bomb += "'>";
  }
  bomb += "]><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>&lol9;";
  expectFault(parser->feed(bomb), StreamFault::restrictedXml);
  EXPECT_TRUE(rec.headers.empty());
}

TEST_F(ParserTest, EntityDeclarationInsideStreamIsNotWellFormed) {
  // A DOCTYPE after the root has started is not XML at all.
  expectFault(afterHeader("<!DOCTYPE x [<!ENTITY a 'b'>]>"), StreamFault::notWellFormed);
}

TEST_F(ParserTest, UndefinedEntityReferenceIsRestricted) {
  expectFault(afterHeader("<message><body>&xxe;</body></message>"), StreamFault::restrictedXml);
}

TEST_F(ParserTest, ProcessingInstructionIsRestricted) {
  expectFault(afterHeader("<?evil data?>"), StreamFault::restrictedXml);
}

TEST_F(ParserTest, CommentIsRestricted) {
  expectFault(afterHeader("<message><!-- hi --></message>"), StreamFault::restrictedXml);
}

TEST_F(ParserTest, CommentBeforeHeaderIsRestricted) {
  make();
  expectFault(parser->feed("<!-- x -->"), StreamFault::restrictedXml);
}

// --- not well-formed ---------------------------------------------------------

TEST_F(ParserTest, MismatchedTagIsNotWellFormed) {
  expectFault(afterHeader("<message><body></message>"), StreamFault::notWellFormed);
  EXPECT_TRUE(rec.stanzas.empty());
}

TEST_F(ParserTest, ErrorNamesLineAndColumn) {
  auto r = afterHeader("\n<a><b></a>");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().where.find("line 2"), std::string::npos) << r.error().where;
}

// RFC 6120 11.6: bytes that are not UTF-8 are an encoding problem
// (<unsupported-encoding/>), found before expat sees them.
TEST_F(ParserTest, InvalidUtf8IsUnsupportedEncoding) {
  const std::vector<std::string> bad = {
      "\xC3",              // truncated (completed by '<' below)
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong three-byte '/'
      "\xED\xA0\x80",      // UTF-16 surrogate
      "\xF4\x90\x80\x80",  // beyond U+10FFFF
      "\xF5\x80\x80\x80",  // never a lead byte
      "\xFF",              // never valid
  };
  for (const std::string& b : bad) {
    SCOPED_TRACE(testing::PrintToString(b));
    expectFault(afterHeader("<message><body>" + b + "</body></message>"),
                StreamFault::unsupportedEncoding);
  }
}

TEST_F(ParserTest, InvalidUtf8SplitAcrossReadsIsFound) {
  make();
  ASSERT_TRUE(parser->feed(kClientHeader));
  ASSERT_TRUE(parser->feed("<message><body>\xE2"));
  expectFault(parser->feed("\x82</body></message>"), StreamFault::unsupportedEncoding);
}

TEST_F(ParserTest, ValidMultiByteUtf8SplitAcrossReadsIsAccepted) {
  make();
  ASSERT_TRUE(parser->feed(kClientHeader));
  ASSERT_TRUE(parser->feed("<message><body>\xE2\x82"));
  ASSERT_TRUE(parser->feed("\xAC \xF0\x9F"));
  ASSERT_TRUE(parser->feed("\x98\x80</body></message>"));
}

TEST_F(ParserTest, ForbiddenControlCharacterIsNotWellFormed) {
  // Valid UTF-8, but a character XML 1.0 does not allow.
  expectFault(afterHeader("<message><body>" + std::string("\x01", 1) + "</body></message>"),
              StreamFault::notWellFormed);
}

TEST_F(ParserTest, InvalidUtf8InAttributeIsUnsupportedEncoding) {
  expectFault(afterHeader("<message to='\xC3\x28'/>"), StreamFault::unsupportedEncoding);
}

TEST_F(ParserTest, UnboundPrefixIsBadNamespacePrefix) {
  make();
  expectFault(parser->feed("<stream:stream xmlns='jabber:client' to='x'>"),
              StreamFault::badNamespacePrefix);
}

TEST_F(ParserTest, ErrorIsSticky) {
  auto r = afterHeader("<a></b>");
  ASSERT_FALSE(r);
  auto again = parser->feed("<presence/>");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, r.error().code);
  EXPECT_EQ(again.error().message, r.error().message);
  parser->reset();
  EXPECT_FALSE(parser->fault().has_value());
  EXPECT_TRUE(parser->feed(kClientHeader));
}

TEST_F(ParserTest, DataAfterCloseIsNotWellFormed) {
  ASSERT_TRUE(afterHeader("</stream:stream>"));
  expectFault(parser->feed("<presence/>"), StreamFault::notWellFormed);
}

// --- stream header checks ----------------------------------------------------

TEST_F(ParserTest, WrongStreamNamespaceIsInvalidNamespace) {
  make();
  expectFault(parser->feed("<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:client'>"),
              StreamFault::invalidNamespace);
}

TEST_F(ParserTest, UnqualifiedRootIsInvalidNamespace) {
  make();
  expectFault(parser->feed("<stream>"), StreamFault::invalidNamespace);
}

TEST_F(ParserTest, WrongRootNameIsBadFormat) {
  make();
  expectFault(parser->feed("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"),
              StreamFault::badFormat);
}

TEST_F(ParserTest, ContentNamespaceRestriction) {
  limits.contentNamespaces = {"jabber:client"};
  make();
  expectFault(parser->feed("<stream:stream xmlns='jabber:server' "
                           "xmlns:stream='http://etherx.jabber.org/streams'>"),
              StreamFault::invalidNamespace);
  parser->reset();
  expectFault(parser->feed("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"),
              StreamFault::invalidNamespace);
  parser->reset();
  EXPECT_TRUE(parser->feed(kClientHeader));
}

TEST_F(ParserTest, StreamNamespaceAsContentNamespaceIsInvalid) {
  make();
  expectFault(parser->feed("<stream xmlns='http://etherx.jabber.org/streams'>"),
              StreamFault::invalidNamespace);
}

TEST_F(ParserTest, OtherPrefixForStreamNamespaceIsAccepted) {
  make();
  ASSERT_TRUE(
      parser->feed("<s:stream xmlns='jabber:server' xmlns:s='http://etherx.jabber.org/streams' "
                   "xmlns:db='jabber:server:dialback'><db:result to='a' from='b'>key"
                   "</db:result></s:stream>"));
  ASSERT_EQ(rec.headers.size(), 1u);
  EXPECT_EQ(rec.headers[0].prefixUri("db"), "jabber:server:dialback");
  ASSERT_EQ(rec.stanzas.size(), 1u);
  EXPECT_TRUE(rec.stanzas[0].is("result", "jabber:server:dialback"));
  EXPECT_EQ(rec.stanzas[0].text(), "key");
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(ParserTest, NonUtf8EncodingIsUnsupported) {
  make();
  expectFault(parser->feed("<?xml version='1.0' encoding='ISO-8859-1'?>"),
              StreamFault::unsupportedEncoding);
}

TEST_F(ParserTest, Utf8EncodingDeclarationIsAccepted) {
  make();
  ASSERT_TRUE(parser->feed("<?xml version='1.0' encoding='utf-8'?>"));
}

TEST_F(ParserTest, HeaderWithoutXmlDeclarationIsAccepted) {
  make();
  ASSERT_TRUE(parser->feed(kClientHeader.substr(21)));
  EXPECT_TRUE(parser->headerSeen());
}

// --- limits ------------------------------------------------------------------

TEST_F(ParserTest, HeaderTooLongIsPolicyViolation) {
  limits.maxHeaderBytes = 200;
  make();
  expectFault(parser->feed("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='" +
                           std::string(300, 'a') + "'>"),
              StreamFault::policyViolation);
}

TEST_F(ParserTest, EndlessHeaderIsRefusedWhileArriving) {
  limits.maxHeaderBytes = 1000;
  make();
  ASSERT_TRUE(parser->feed("<stream:stream to='"));
  base::Result<void> r;
  int fed = 0;
  while (r && fed < 100) {
    r = parser->feed(std::string(100, 'a'));
    ++fed;
  }
  expectFault(r, StreamFault::policyViolation);
  EXPECT_LE(fed, 11);
}

TEST_F(ParserTest, TooManyAttributesIsPolicyViolation) {
  limits.maxAttributes = 4;
  std::string s = "<message";
  for (int i = 0; i < 5; ++i) s += " a" + std::to_string(i) + "='x'";
  s += "/>";
  expectFault(afterHeader(s), StreamFault::policyViolation);
}

TEST_F(ParserTest, DepthLimitIsExact) {
  limits.maxDepth = 4;
  ASSERT_TRUE(afterHeader("<a><b><c><d/></c></b></a>"));  // depth 4 is fine
  expectFault(parser->feed("<a><b><c><d><e/></d></c></b></a>"), StreamFault::policyViolation);
}

TEST_F(ParserTest, TenThousandDeepNestingIsRefused) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<a>";
  expectFault(afterHeader(deep), StreamFault::policyViolation);
  EXPECT_TRUE(rec.stanzas.empty());
}

TEST_F(ParserTest, TextLimitIsPolicyViolation) {
  limits.maxTextBytes = 100;
  ASSERT_TRUE(afterHeader("<message><body>" + std::string(100, 'x') + "</body></message>"));
  // Entity references count after decoding: 101 characters from 505 bytes.
  std::string refs;
  for (int i = 0; i < 101; ++i) refs += "&amp;";
  expectFault(parser->feed("<message><body>" + refs + "</body></message>"),
              StreamFault::policyViolation);
}

TEST_F(ParserTest, StanzaSizeLimitCountsRawBytes) {
  limits.maxStanzaBytes = 200;
  std::string ok = "<message><body>" + std::string(200 - 32, 'x') + "</body></message>";
  ASSERT_EQ(ok.size(), 200u);
  ASSERT_TRUE(afterHeader(ok));
  std::string big = "<message><body>" + std::string(200 - 31, 'x') + "</body></message>";
  expectFault(parser->feed(big), StreamFault::policyViolation);
  EXPECT_EQ(rec.stanzas.size(), 1u);
}

TEST_F(ParserTest, TenMegabyteStanzaIsRefusedEarly) {
  // The client default; the refusal must come long before 10 MB are buffered.
  ASSERT_TRUE(afterHeader("<message><body>"));
  const std::string chunk(64UL * 1024, 'x');
  std::size_t sent = 0;
  base::Result<void> r;
  while (r && sent < 10UL * 1024 * 1024) {
    r = parser->feed(chunk);
    sent += chunk.size();
  }
  expectFault(r, StreamFault::policyViolation);
  EXPECT_LE(sent, limits.maxStanzaBytes + chunk.size());
}

TEST_F(ParserTest, HugeStartTagIsRefusedBeforeItCompletes) {
  limits.maxStanzaBytes = 10000;
  ASSERT_TRUE(afterHeader("<message to='"));
  base::Result<void> r;
  std::size_t sent = 0;
  while (r && sent < 1'000'000) {
    r = parser->feed(std::string(1000, 'a'));
    sent += 1000;
  }
  expectFault(r, StreamFault::policyViolation);
  EXPECT_LE(sent, 10000u + 4096u + 1000u);
}

TEST_F(ParserTest, KeepalivesDoNotCountTowardsTheNextStanza) {
  limits.maxStanzaBytes = 100;
  ASSERT_TRUE(afterHeader(""));
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(parser->feed("    "));
  ASSERT_TRUE(parser->feed("<message><body>" + std::string(60, 'x') + "</body></message>"));
  EXPECT_EQ(rec.stanzas.size(), 1u);
}

TEST_F(ParserTest, ConditionNamesMatchRfc6120) {
  EXPECT_EQ(conditionName(StreamFault::notWellFormed), "not-well-formed");
  EXPECT_EQ(conditionName(StreamFault::restrictedXml), "restricted-xml");
  EXPECT_EQ(conditionName(StreamFault::policyViolation), "policy-violation");
  EXPECT_EQ(conditionName(StreamFault::invalidNamespace), "invalid-namespace");
  EXPECT_EQ(conditionName(StreamFault::badNamespacePrefix), "bad-namespace-prefix");
  EXPECT_EQ(conditionName(StreamFault::badFormat), "bad-format");
  EXPECT_EQ(conditionName(StreamFault::unsupportedEncoding), "unsupported-encoding");
}

}  // namespace
}  // namespace keyfed::xml
