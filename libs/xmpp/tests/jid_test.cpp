#include "keyfed/xmpp/jid.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace keyfed::xmpp {
namespace {

std::string prepared(std::string_view in) {
  auto j = Jid::parse(in);
  EXPECT_TRUE(j) << in << ": " << j.error().describe();
  return j ? j->full() : std::string();
}

void expectInvalid(std::string_view in, std::string_view code) {
  auto j = Jid::parse(in);
  ASSERT_FALSE(j) << testing::PrintToString(std::string(in)) << " parsed as " << j->full();
  EXPECT_EQ(j.error().code, code) << j.error().describe();
}

// RFC 7622 section 3.5, valid examples.
TEST(Jid, Rfc7622ValidExamples) {
  EXPECT_EQ(prepared("juliet@example.com"), "juliet@example.com");
  EXPECT_EQ(prepared("juliet@example.com/foo"), "juliet@example.com/foo");
  EXPECT_EQ(prepared("juliet@example.com/foo bar"), "juliet@example.com/foo bar");
  EXPECT_EQ(prepared("juliet@example.com/foo@bar"), "juliet@example.com/foo@bar");
  EXPECT_EQ(prepared("foo\\20bar@example.com"), "foo\\20bar@example.com");
  EXPECT_EQ(prepared("fussball@example.com"), "fussball@example.com");
  EXPECT_EQ(prepared("\xCF\x80@example.com"), "\xCF\x80@example.com");                    // π
  EXPECT_EQ(prepared("king@example.com/\xE2\x99\x9A"), "king@example.com/\xE2\x99\x9A");  // ♚
  EXPECT_EQ(prepared("example.com"), "example.com");
  EXPECT_EQ(prepared("example.com/foobar"), "example.com/foobar");
  EXPECT_EQ(prepared("a.example.com/b@example.net"), "a.example.com/b@example.net");
}

// Where stringprep (RFC 6122) and PRECIS (RFC 7622) differ; recorded in
// docs/xml-and-jids.md.
TEST(Jid, StringprepCaseFoldsAndNormalisesCompatibilityCharacters) {
  EXPECT_EQ(prepared("fu\xC3\x9F"
                     "ball@example.com"),
            "fussball@example.com");                                            // ß -> ss
  EXPECT_EQ(prepared("\xCE\xA3@example.com"), "\xCF\x83@example.com");          // Σ -> σ
  EXPECT_EQ(prepared("\xCF\x82@example.com"), "\xCF\x83@example.com");          // ς -> σ
  EXPECT_EQ(prepared("henry\xE2\x85\xA3@example.com"), "henryiv@example.com");  // Ⅳ -> iv
}

TEST(Jid, Rfc7622InvalidExamples) {
  expectInvalid("juliet@example.com/", "jid.malformed");  // empty resource
  expectInvalid("@example.com/", "jid.malformed");        // empty node
  expectInvalid("@example.com", "jid.malformed");
  expectInvalid("", "jid.empty");
  expectInvalid("juliet@", "jid.malformed");
  expectInvalid("/resource", "jid.malformed");
}

TEST(Jid, NodeAndDomainAreCaseFoldedResourceIsNot) {
  auto j = Jid::parse("Juliet@EXAMPLE.Com/Balcony");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->node(), "juliet");
  EXPECT_EQ(j->domain(), "example.com");
  EXPECT_EQ(j->resource(), "Balcony");
}

TEST(Jid, NodeprepProhibitedCharacters) {
  for (std::string_view c : {"\"", "&", "'", ":", "<", ">", " "}) {
    expectInvalid("ju" + std::string(c) + "liet@example.com", "jid.node");
  }
  expectInvalid("a@b@example.com", "jid.domain");  // the second '@' lands in the domain
}

TEST(Jid, BidiRuleIsEnforced) {
  expectInvalid(
      "\xD7\x90"
      "a@example.com",
      "jid.node");  // Hebrew alef followed by Latin
  expectInvalid(
      "example.com/\xD7\x90"
      "1a",
      "jid.resource");
  EXPECT_EQ(prepared("\xD7\x90\xD7\x91@example.com"), "\xD7\x90\xD7\x91@example.com");
}

TEST(Jid, PartThatPreparesToNothingIsInvalid) {
  expectInvalid("\xE2\x80\x8B@example.com", "jid.node");  // U+200B maps to nothing
}

TEST(Jid, InvalidUtf8IsRefusedInEveryPart) {
  expectInvalid("\xC3@example.com", "jid.node");
  expectInvalid("juliet@exa\xFFmple.com", "jid.domain");
  expectInvalid("juliet@example.com/\xED\xA0\x80", "jid.resource");
  expectInvalid(std::string("ju\0liet@example.com", 19), "jid.node");
}

TEST(Jid, PartLengthLimits) {
  EXPECT_TRUE(Jid::parse(std::string(1023, 'a') + "@example.com"));
  expectInvalid(std::string(1024, 'a') + "@example.com", "jid.too-long");
  EXPECT_TRUE(Jid::parse("example.com/" + std::string(1023, 'r')));
  expectInvalid("example.com/" + std::string(1024, 'r'), "jid.too-long");
  expectInvalid(std::string(100000, 'a'), "jid.too-long");
}

TEST(Jid, DomainRules) {
  EXPECT_EQ(prepared("example.com."), "example.com");  // trailing dot stripped
  EXPECT_EQ(prepared("juliet@example.com./r"), "juliet@example.com/r");
  EXPECT_EQ(prepared("example\xE3\x80\x82"
                     "com"),
            "example.com");  // ideographic full stop
  EXPECT_EQ(prepared("b\xC3\xBC"
                     "cher.example"),
            "b\xC3\xBC"
            "cher.example");
  EXPECT_EQ(prepared("B\xC3\x9C"
                     "CHER.example"),
            "b\xC3\xBC"
            "cher.example");
  EXPECT_EQ(prepared("my_host.example"), "my_host.example");
  expectInvalid("exa mple.com", "jid.domain");
  expectInvalid("a..b", "jid.domain");
  expectInvalid(".example.com", "jid.domain");
  expectInvalid("example.com..", "jid.domain");
  expectInvalid("exa!mple.com", "jid.domain");
  expectInvalid(std::string(64, 'a') + ".com", "jid.domain");  // label > 63
  EXPECT_TRUE(Jid::parse(std::string(63, 'a') + ".com"));
}

TEST(Jid, IpLiterals) {
  EXPECT_EQ(prepared("juliet@127.0.0.1/r"), "juliet@127.0.0.1/r");
  EXPECT_EQ(prepared("[::1]"), "[::1]");
  EXPECT_EQ(prepared("juliet@[0:0:0::1]/r"), "juliet@[::1]/r");
  EXPECT_EQ(prepared("[2001:DB8::1]"), "[2001:db8::1]");
  expectInvalid("[zz::1]", "jid.domain");
  expectInvalid("[::1", "jid.domain");
  expectInvalid("999.0.0.1", "jid.domain");
  expectInvalid("3", "jid.domain");
  expectInvalid("\xEF\xBC\x93", "jid.domain");  // fullwidth 3: Nameprep makes it "3"
  EXPECT_EQ(prepared("\xEF\xBC\x91.2.3.4"), "1.2.3.4");
}

TEST(Jid, AccessorsAndDerivedJids) {
  auto j = Jid::parse("juliet@example.com/balcony");
  ASSERT_TRUE(j);
  EXPECT_TRUE(j->valid());
  EXPECT_TRUE(j->hasNode());
  EXPECT_TRUE(j->hasResource());
  EXPECT_FALSE(j->isBare());
  EXPECT_EQ(j->bareView(), "juliet@example.com");
  EXPECT_EQ(j->bare().full(), "juliet@example.com");
  EXPECT_TRUE(j->bare().isBare());
  EXPECT_EQ(j->bare().node(), "juliet");
  EXPECT_EQ(j->domainJid().full(), "example.com");
  EXPECT_TRUE(j->domainJid().isDomain());
  auto other = j->withResource("Chamber");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->full(), "juliet@example.com/Chamber");
  EXPECT_EQ(other->resource(), "Chamber");
  EXPECT_FALSE(j->withResource("\xC3"));
  auto d = Jid::parse("example.com/x");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->node(), "");
  EXPECT_EQ(d->domain(), "example.com");
  EXPECT_EQ(d->resource(), "x");
  EXPECT_FALSE(Jid().valid());
}

TEST(Jid, MakeFromParts) {
  auto j = Jid::make("Romeo", "Example.NET", "orchard");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->full(), "romeo@example.net/orchard");
  EXPECT_FALSE(Jid::make("a@b", "example.net"));
  EXPECT_FALSE(Jid::make("a", ""));
}

TEST(Jid, EqualityAndHashUsePreparedForm) {
  auto a = Jid::parse("JULIET@Example.com/r");
  auto b = Jid::parse("juliet@example.com./r");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  std::unordered_set<Jid> set{*a};
  EXPECT_EQ(set.count(*b), 1u);
  EXPECT_LT(*Jid::parse("a@x"), *Jid::parse("b@x"));
  EXPECT_NE(*a, a->bare());
}

TEST(Jid, StrictPreparationRefusesUnassignedCodePoints) {
  const std::string unassigned = "\xC8\xA1";  // U+0221, unassigned in Unicode 3.2
  EXPECT_TRUE(nodeprep("a" + unassigned));
  EXPECT_FALSE(nodeprep("a" + unassigned, true));
  EXPECT_TRUE(resourceprep("r" + unassigned));
  EXPECT_FALSE(resourceprep("r" + unassigned, true));
}

}  // namespace
}  // namespace keyfed::xmpp
