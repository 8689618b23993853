// XEP-0124 <body/> parsing and writing (docs/bosh.md).

#include "bosh_body.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keyfed::modules::c2s {
namespace {

xml::ParserLimits limits() {
  xml::ParserLimits l;
  l.maxStanzaBytes = 10000;
  l.maxDepth = 8;
  return l;
}

TEST(BoshBodyTest, ReadsASessionCreationRequest) {
  auto body = parseBoshBody(
      "<body content='text/xml; charset=utf-8' hold='1' rid='1573741820' to='example.com' "
      "wait='60' xml:lang='en' xmpp:version='1.0' xmlns='http://jabber.org/protocol/httpbind' "
      "xmlns:xmpp='urn:xmpp:xbosh'/>",
      limits());
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->rid, 1573741820U);
  EXPECT_EQ(body->sid, "");
  EXPECT_EQ(body->to, "example.com");
  EXPECT_EQ(body->lang, "en");
  EXPECT_EQ(body->xmppVersion, "1.0");
  EXPECT_EQ(body->wait, 60U);
  EXPECT_EQ(body->hold, 1U);
  EXPECT_FALSE(body->restart);
  EXPECT_FALSE(body->terminate);
  EXPECT_TRUE(body->payloads.empty());
}

TEST(BoshBodyTest, ReadsPayloadsRestartAndTerminate) {
  auto body = parseBoshBody(
      "<body rid='7' sid='s1' xmlns='http://jabber.org/protocol/httpbind'>\n"
      "  <message xmlns='jabber:client' to='a@b'><body>hi</body></message>\n"
      "  <presence/>\n"
      "</body>",
      limits());
  ASSERT_TRUE(body) << body.error().message;
  ASSERT_EQ(body->payloads.size(), 2U);
  EXPECT_TRUE(body->payloads[0].is("message", "jabber:client"));
  EXPECT_EQ(body->payloads[0].childText("body", "jabber:client"), "hi");
  // A child in the body's own namespace is taken as jabber:client.
  EXPECT_TRUE(body->payloads[1].is("presence", "jabber:client"));

  auto restart = parseBoshBody(
      "<body rid='8' sid='s1' xmpp:restart='true' xmlns='http://jabber.org/protocol/httpbind' "
      "xmlns:xmpp='urn:xmpp:xbosh'/>",
      limits());
  ASSERT_TRUE(restart);
  EXPECT_TRUE(restart->restart);
  auto end = parseBoshBody(
      "<body rid='9' sid='s1' type='terminate' xmlns='http://jabber.org/protocol/httpbind'/>",
      limits());
  ASSERT_TRUE(end);
  EXPECT_TRUE(end->terminate);
}

TEST(BoshBodyTest, RefusesWhatIsNotOneBody) {
  const std::string twoBodies =
      "<body rid='1' xmlns='http://jabber.org/protocol/httpbind'/>"
      "<body rid='2' xmlns='http://jabber.org/protocol/httpbind'/>";
  for (const std::string& bad : std::initializer_list<std::string>{
           "",
           "<body rid='1' xmlns='urn:other'/>",
           "<bod rid='1' xmlns='http://jabber.org/protocol/httpbind'/>",
           twoBodies,
           "<body rid='1' xmlns='http://jabber.org/protocol/httpbind'>text<presence/></body>",
           "<body rid='1' xmlns='http://jabber.org/protocol/httpbind'>",
           "junk<body rid='1' xmlns='http://jabber.org/protocol/httpbind'/>",
           "<!DOCTYPE x><body rid='1' xmlns='http://jabber.org/protocol/httpbind'/>",
           "<body rid='1' xmlns='http://jabber.org/protocol/httpbind'><!-- c --></body>",
           "<body rid='1' xmlns='http://jabber.org/protocol/httpbind'>&foo;</body>",
       }) {
    EXPECT_FALSE(parseBoshBody(bad, limits())) << bad;
  }
}

TEST(BoshBodyTest, RefusesBadRidsWaitsAndHolds) {
  for (const char* bad : {
           "<body xmlns='http://jabber.org/protocol/httpbind'/>",
           "<body rid='0' xmlns='http://jabber.org/protocol/httpbind'/>",
           "<body rid='-1' xmlns='http://jabber.org/protocol/httpbind'/>",
           "<body rid='12x' xmlns='http://jabber.org/protocol/httpbind'/>",
           "<body rid='9007199254740992' xmlns='http://jabber.org/protocol/httpbind'/>",
           "<body rid='99999999999999999999999' xmlns='http://jabber.org/protocol/httpbind'/>",
           "<body rid='1' wait='soon' xmlns='http://jabber.org/protocol/httpbind'/>",
           "<body rid='1' hold='' xmlns='http://jabber.org/protocol/httpbind'/>",
       }) {
    EXPECT_FALSE(parseBoshBody(bad, limits())) << bad;
  }
  EXPECT_TRUE(parseBoshBody(
      "<body rid='9007199254740991' xmlns='http://jabber.org/protocol/httpbind'/>", limits()));
}

TEST(BoshBodyTest, HoldsTheStreamLimits) {
  std::string deep = "<body rid='1' xmlns='http://jabber.org/protocol/httpbind'>";
  for (int i = 0; i < 9; ++i) deep += "<a>";
  for (int i = 0; i < 9; ++i) deep += "</a>";
  deep += "</body>";
  EXPECT_FALSE(parseBoshBody(deep, limits()));

  std::string large = "<body rid='1' xmlns='http://jabber.org/protocol/httpbind'><message>" +
                      std::string(12000, 'x') + "</message></body>";
  EXPECT_FALSE(parseBoshBody(large, limits()));
}

TEST(BoshBodyTest, WritesBodies) {
  std::string attributes;
  appendAttribute("sid", "a'b", attributes);
  std::string out;
  writeBoshBody(attributes, {}, out);
  EXPECT_EQ(out,
            "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' "
            "xmlns:stream='http://etherx.jabber.org/streams' sid='a&apos;b'/>");
  out.clear();
  writeBoshBody({}, "<presence xmlns='jabber:client'/>", out);
  EXPECT_TRUE(out.ends_with("><presence xmlns='jabber:client'/></body>"));
  // What it writes, it reads.
  std::string withRid;
  appendAttribute("rid", "5", withRid);
  out.clear();
  writeBoshBody(withRid, "<presence xmlns='jabber:client'/>", out);
  auto back = parseBoshBody(out, limits());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->payloads.size(), 1U);
}

}  // namespace
}  // namespace keyfed::modules::c2s
