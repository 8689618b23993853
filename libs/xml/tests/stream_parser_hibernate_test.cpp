// StreamParser::hibernate(): an idle stream drops its expat parser and picks
// up where it left off on the next bytes (docs/performance.md, "Memory").
#include "keyfed/xml/stream_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyfed::xml {
namespace {

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

struct Recorder : StreamHandler {
  int headers = 0;
  std::vector<Element> stanzas;
  int closes = 0;
  StreamParser* parser = nullptr;
  bool hibernateInCallback = false;
  bool hibernatedInCallback = true;

  void onStreamOpen(const StreamHeader& /*header*/) override { ++headers; }
  void onStanza(Element&& e) override {
    if (hibernateInCallback) hibernatedInCallback = parser->hibernate();
    if (e.name() == "starttls") parser->stop();
    stanzas.push_back(std::move(e));
  }
  void onStreamClose() override { ++closes; }
};

struct HibernateTest : ::testing::Test {
  Recorder rec;
  ParserLimits limits;
  std::unique_ptr<StreamParser> parser;

  StreamParser& open(std::string_view header = kHeader) {
    parser = std::make_unique<StreamParser>(rec, limits);
    rec.parser = parser.get();
    auto fed = parser->feed(header);
    EXPECT_TRUE(fed.has_value()) << fed.error().describe();
    return *parser;
  }
  void feedOk(std::string_view bytes) {
    auto fed = parser->feed(bytes);
    ASSERT_TRUE(fed.has_value()) << fed.error().describe();
  }
};

TEST_F(HibernateTest, WakesOnTheNextBytesAndParsesAsBefore) {
  StreamParser& p = open();
  feedOk("<presence/>");
  ASSERT_TRUE(p.hibernate());
  EXPECT_TRUE(p.hibernating());
  feedOk("<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>");
  EXPECT_FALSE(p.hibernating());
  ASSERT_EQ(rec.stanzas.size(), 2U);
  EXPECT_EQ(rec.headers, 1);  // the replayed header is not reported again
  EXPECT_TRUE(rec.stanzas[1].is("iq", "jabber:client"));
  EXPECT_NE(rec.stanzas[1].child("ping", "urn:xmpp:ping"), nullptr);
  ASSERT_TRUE(p.hibernate());
  feedOk("</stream:stream>");
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(HibernateTest, OnlyBetweenStanzas) {
  StreamParser& p = open();
  feedOk("<message to='a@example.com'><body>half");
  EXPECT_FALSE(p.hibernate());
  feedOk(" done</body></message><presence");  // half a start tag held back
  EXPECT_FALSE(p.hibernate());
  feedOk("/>");
  EXPECT_TRUE(p.hibernate());
  ASSERT_EQ(rec.stanzas.size(), 2U);
  EXPECT_EQ(rec.stanzas[0].childText("body", "jabber:client"), "half done");
}

TEST_F(HibernateTest, NotBeforeTheHeaderNorFromACallback) {
  parser = std::make_unique<StreamParser>(rec, limits);
  rec.parser = parser.get();
  EXPECT_FALSE(parser->hibernate());
  open();
  rec.hibernateInCallback = true;
  feedOk("<presence/>");
  EXPECT_FALSE(rec.hibernatedInCallback);
  EXPECT_FALSE(parser->hibernating());
}

TEST_F(HibernateTest, KeepsTheRootPrefixAndTheHeadersDeclarations) {
  StreamParser& p = open(
      "<s:stream xmlns:s='http://etherx.jabber.org/streams' xmlns='jabber:client' "
      "xmlns:x='urn:example:a&amp;b'>");
  ASSERT_TRUE(p.hibernate());
  feedOk("<x:thing/>");
  ASSERT_EQ(rec.stanzas.size(), 1U);
  EXPECT_TRUE(rec.stanzas[0].is("thing", "urn:example:a&b"));
  ASSERT_TRUE(p.hibernate());
  feedOk("</s:stream>");  // must match the original root qname
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(HibernateTest, UndeclaredPrefixesStayUndeclared) {
  StreamParser& p = open();
  ASSERT_TRUE(p.hibernate());
  auto fed = p.feed("<y:thing/>");
  ASSERT_FALSE(fed.has_value());
  EXPECT_EQ(p.fault(), StreamFault::badNamespacePrefix);
}

TEST_F(HibernateTest, StanzaLimitCountsThePeersBytesOnly) {
  limits.maxStanzaBytes = 100;
  StreamParser& p = open();
  ASSERT_TRUE(p.hibernate());
  const std::string fits = "<message><body>" + std::string(100 - 32, 'a') + "</body></message>";
  ASSERT_EQ(fits.size(), 100U);
  feedOk(fits);
  ASSERT_TRUE(p.hibernate());
  auto fed = p.feed("<message><body>" + std::string(100, 'a') + "</body></message>");
  ASSERT_FALSE(fed.has_value());
  EXPECT_EQ(p.fault(), StreamFault::policyViolation);
  EXPECT_EQ(rec.stanzas.size(), 1U);
}

TEST_F(HibernateTest, StopAfterWakeCountsUnconsumedBytes) {
  StreamParser& p = open();
  ASSERT_TRUE(p.hibernate());
  const std::string_view tail = "\x16\x03\x01 TLS bytes";
  feedOk(std::string("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>") + std::string(tail));
  EXPECT_TRUE(p.stopped());
  EXPECT_EQ(p.unconsumed(), tail.size());
}

TEST_F(HibernateTest, ResetWhileHibernatingStartsAFreshDocument) {
  StreamParser& p = open();
  ASSERT_TRUE(p.hibernate());
  p.reset();
  EXPECT_FALSE(p.headerSeen());
  feedOk(kHeader);
  feedOk("<presence/>");
  EXPECT_EQ(rec.headers, 2);
  EXPECT_EQ(rec.stanzas.size(), 1U);
}

}  // namespace
}  // namespace keyfed::xml
