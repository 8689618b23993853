// vcard-temp <-> vCard4: every mapped property both ways, round trips,
// properties carried over unchanged, limits and malformed cards.
#include "vcard4_mapping.hpp"

#include <gtest/gtest.h>

#include <string>

#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xml/writer.hpp"

namespace keyfed::modules::vcard {
namespace {

xml::Element parse(const std::string& text) {
  auto el = xml::parseStoredElement(text, 1 << 20);
  EXPECT_TRUE(el) << text;
  return el ? std::move(*el) : xml::Element();
}

xml::Element temp(const std::string& body) {
  return parse("<vCard xmlns='vcard-temp'>" + body + "</vCard>");
}

xml::Element v4(const std::string& body) {
  return parse("<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>" + body + "</vcard>");
}

xml::Element toV4(const xml::Element& card) {
  auto out = toVCard4(card);
  EXPECT_TRUE(out) << (out ? "" : out.error().describe());
  return out ? std::move(*out) : xml::Element();
}

xml::Element toTemp(const xml::Element& card) {
  auto out = toVCardTemp(card);
  EXPECT_TRUE(out) << (out ? "" : out.error().describe());
  return out ? std::move(*out) : xml::Element();
}

// Every property both forms express, written as toVCardTemp writes it.
const char* const kFullTemp =
    "<FN>Juliet Capulet</FN>"
    "<N><FAMILY>Capulet</FAMILY><GIVEN>Juliet</GIVEN><MIDDLE>J</MIDDLE>"
    "<PREFIX>Ms</PREFIX><SUFFIX>III</SUFFIX></N>"
    "<NICKNAME>jc</NICKNAME>"
    "<BDAY>1996-04-15</BDAY>"
    "<URL>https://capulet.lit/</URL>"
    "<DESC>Balcony &amp; &lt;garden&gt;</DESC>"
    "<TITLE>Heiress</TITLE><ROLE>Lead</ROLE>"
    "<ORG><ORGNAME>House Capulet</ORGNAME><ORGUNIT>Verona</ORGUNIT></ORG>"
    "<EMAIL><HOME/><INTERNET/><PREF/><USERID>juliet@capulet.lit</USERID></EMAIL>"
    "<TEL><WORK/><VOICE/><NUMBER>+39 045 1234</NUMBER></TEL>"
    "<TEL><MSG/><CELL/><NUMBER>+39 333 1</NUMBER></TEL>"
    "<ADR><HOME/><STREET>Via Cappello 23</STREET><LOCALITY>Verona</LOCALITY>"
    "<PCODE>37121</PCODE><CTRY>Italy</CTRY></ADR>"
    "<PHOTO><TYPE>image/png</TYPE><BINVAL>iVBORw0KGgo=</BINVAL></PHOTO>"
    "<JABBERID>juliet@capulet.lit</JABBERID>";

TEST(VCard4Mapping, VCardTempBecomesVCard4) {
  const xml::Element out = toV4(temp(kFullTemp));
  const std::string expected =
      "<vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>"
      "<fn><text>Juliet Capulet</text></fn>"
      "<n><surname>Capulet</surname><given>Juliet</given><additional>J</additional>"
      "<prefix>Ms</prefix><suffix>III</suffix></n>"
      "<nickname><text>jc</text></nickname>"
      "<bday><date>1996-04-15</date></bday>"
      "<url><uri>https://capulet.lit/</uri></url>"
      "<note><text>Balcony &amp; &lt;garden&gt;</text></note>"
      "<title><text>Heiress</text></title><role><text>Lead</text></role>"
      "<org><text>House Capulet</text><text>Verona</text></org>"
      "<email><parameters><type><text>home</text></type><pref><integer>1</integer></pref>"
      "</parameters><text>juliet@capulet.lit</text></email>"
      "<tel><parameters><type><text>work</text><text>voice</text></type></parameters>"
      "<text>+39 045 1234</text></tel>"
      "<tel><parameters><type><text>text</text><text>cell</text></type></parameters>"
      "<text>+39 333 1</text></tel>"
      "<adr><parameters><type><text>home</text></type></parameters><pobox></pobox><ext></ext>"
      "<street>Via Cappello 23</street><locality>Verona</locality><region></region>"
      "<code>37121</code><country>Italy</country></adr>"
      "<photo><uri>data:image/png;base64,iVBORw0KGgo=</uri></photo>"
      "<impp><uri>xmpp:juliet@capulet.lit</uri></impp>"
      "</vcard>";
  EXPECT_EQ(out, parse(expected)) << xml::toString(out);
}

TEST(VCard4Mapping, VCard4BecomesVCardTemp) {
  // XEP-0292's example forms: tel as a tel: URI, bday as text, an extvalue photo.
  const xml::Element out =
      toTemp(v4("<fn><text>Peter Saint-Andre</text></fn>"
                "<n><surname>Saint-Andre</surname><given>Peter</given><additional></additional></n>"
                "<nickname><text>stpeter</text></nickname>"
                "<photo><uri>https://stpeter.im/me.jpg</uri></photo>"
                "<bday><text>circa 1966</text></bday>"
                "<tel><parameters><type><text>work</text><text>voice</text></type>"
                "<pref><integer>1</integer></pref></parameters><uri>tel:+1-303-308-3282</uri></tel>"
                "<email><parameters><type><text>work</text></type></parameters>"
                "<text>psaintan@cisco.com</text></email>"
                "<impp><uri>xmpp:stpeter@jabber.org</uri></impp>"));
  const std::string expected =
      "<vCard xmlns='vcard-temp'>"
      "<FN>Peter Saint-Andre</FN>"
      "<N><FAMILY>Saint-Andre</FAMILY><GIVEN>Peter</GIVEN></N>"
      "<NICKNAME>stpeter</NICKNAME>"
      "<PHOTO><EXTVAL>https://stpeter.im/me.jpg</EXTVAL></PHOTO>"
      "<BDAY>circa 1966</BDAY>"
      "<TEL><WORK/><VOICE/><PREF/><NUMBER>+1-303-308-3282</NUMBER></TEL>"
      "<EMAIL><WORK/><INTERNET/><USERID>psaintan@cisco.com</USERID></EMAIL>"
      "<JABBERID>stpeter@jabber.org</JABBERID>"
      "</vCard>";
  EXPECT_EQ(out, parse(expected)) << xml::toString(out);
}

TEST(VCard4Mapping, RoundTripsLoseNothing) {
  const xml::Element original = temp(kFullTemp);
  EXPECT_EQ(toTemp(toV4(original)), original);

  const xml::Element card4 = toV4(original);
  EXPECT_EQ(toV4(toTemp(card4)), card4);
}

TEST(VCard4Mapping, PropertiesWithoutCounterpartAreCarriedOverUnchanged) {
  // vcard-temp only: NOTE, an ISDN line, an X.400 address, a client's own
  // extension, a structured FN; each arrives in vCard4 as it was sent.
  const std::string tempOnly =
      "<NOTE>remember the rope</NOTE>"
      "<TEL><ISDN/><NUMBER>1</NUMBER></TEL>"
      "<EMAIL><X400/><USERID>c=it</USERID></EMAIL>"
      "<X-CLIENT xmlns='urn:example:ext' level='3'><deep><deeper/></deep></X-CLIENT>"
      "<FN><weird/></FN>";
  const xml::Element original = temp("<FN>Juliet</FN>" + tempOnly);
  const xml::Element card4 = toV4(original);
  EXPECT_EQ(card4, v4("<fn><text>Juliet</text></fn>" +
                      std::string("<NOTE xmlns='vcard-temp'>remember the rope</NOTE>"
                                  "<TEL xmlns='vcard-temp'><ISDN/><NUMBER>1</NUMBER></TEL>"
                                  "<EMAIL xmlns='vcard-temp'><X400/><USERID>c=it</USERID></EMAIL>"
                                  "<X-CLIENT xmlns='urn:example:ext' level='3'>"
                                  "<deep><deeper/></deep></X-CLIENT>"
                                  "<FN xmlns='vcard-temp'><weird/></FN>")))
      << xml::toString(card4);
  EXPECT_EQ(toTemp(card4), original);

  // vCard4 only: gender, a non-XMPP impp, an org with parameters, pref 2, a
  // second name component; each arrives in vcard-temp as it was published.
  const std::string v4Only =
      "<gender><sex><text>F</text></sex></gender>"
      "<impp><uri>sip:juliet@capulet.lit</uri></impp>"
      "<org><parameters><type><text>work</text></type></parameters><text>XSF</text></org>"
      "<email><parameters><pref><integer>2</integer></pref></parameters><text>a@b</text></email>"
      "<n><surname>A</surname><surname>B</surname></n>";
  const xml::Element published = v4("<fn><text>Juliet</text></fn>" + v4Only);
  const xml::Element legacy = toTemp(published);
  ASSERT_EQ(legacy.childCount(), 6U) << xml::toString(legacy);
  EXPECT_EQ(legacy.childText("FN", "vcard-temp"), "Juliet");
  EXPECT_NE(legacy.child("gender", kVCard4Ns), nullptr);
  EXPECT_EQ(legacy.child("ORG", "vcard-temp"), nullptr);
  EXPECT_EQ(toV4(legacy), published);
}

TEST(VCard4Mapping, EmptyCardsStayEmpty) {
  EXPECT_EQ(toV4(temp("")).childCount(), 0U);
  EXPECT_EQ(toTemp(v4("")).childCount(), 0U);
}

TEST(VCard4Mapping, OddValuesAreCarriedRatherThanGuessed) {
  // A media type that would break the data: URI; a data: URI that is not
  // base64; a photo with both forms. None is converted, none is lost.
  const xml::Element badType =
      temp("<PHOTO><TYPE>image/png;x=1</TYPE><BINVAL>AAAA</BINVAL></PHOTO>");
  EXPECT_EQ(toV4(badType).child("PHOTO", "vcard-temp")->childCount(), 2U);
  const xml::Element plainData = v4("<photo><uri>data:,hello</uri></photo>");
  EXPECT_NE(toTemp(plainData).child("photo", kVCard4Ns), nullptr);
  const xml::Element both =
      temp("<PHOTO><TYPE>image/png</TYPE><BINVAL>AAAA</BINVAL><EXTVAL>x</EXTVAL></PHOTO>");
  EXPECT_EQ(toTemp(toV4(both)), both);
  // Line-wrapped base64 (as old clients send it) becomes one data: URI.
  const xml::Element wrapped =
      toV4(temp("<PHOTO><TYPE>image/png</TYPE><BINVAL>iVBO\nRw0K\r\nGgo=</BINVAL></PHOTO>"));
  EXPECT_EQ(wrapped.child("photo", kVCard4Ns)->childText("uri", kVCard4Ns),
            "data:image/png;base64,iVBORw0KGgo=");
}

TEST(VCard4Mapping, RefusesOtherElementsAndTooManyProperties) {
  EXPECT_FALSE(toVCard4(v4("")));
  EXPECT_FALSE(toVCardTemp(temp("")));
  EXPECT_FALSE(toVCard4(parse("<vCard xmlns='urn:other'/>")));

  std::string many;
  for (std::size_t i = 0; i <= kMaxProperties; ++i) many += "<NICKNAME>n</NICKNAME>";
  auto refused = toVCard4(temp(many));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "vcard.mapping");
  std::string many4;
  for (std::size_t i = 0; i <= kMaxProperties; ++i) many4 += "<nickname><text>n</text></nickname>";
  EXPECT_FALSE(toVCardTemp(v4(many4)));
  // At the limit it converts.
  many.resize(many.size() - std::string("<NICKNAME>n</NICKNAME>").size());
  EXPECT_TRUE(toVCard4(temp(many)));
}

}  // namespace
}  // namespace keyfed::modules::vcard
