// Assertion parsing: Local-Constants, principals, Licensees, Signature,
// signed bytes, strict and lenient modes, error positions.

#include <gtest/gtest.h>

#include "keynote/assertion.hpp"

namespace keynote {
namespace {

Assertion parseOk(const std::string& text) {
  auto r = parseAssertion(text);
  EXPECT_TRUE(r) << r.error().describe();
  return r ? std::move(r.value()) : Assertion{};
}

std::string errorOf(const std::string& text) {
  auto r = parseAssertion(text);
  return r ? "" : r.error().describe();
}

TEST(Parser, MinimalAssertion) {
  Assertion a = parseOk("Authorizer: \"POLICY\"\n");
  EXPECT_EQ(a.authorizer, "POLICY");
  EXPECT_FALSE(a.hasLicensees);
  EXPECT_FALSE(a.hasConditions);
  EXPECT_FALSE(a.hasSignature);
  EXPECT_FALSE(a.error);
}

TEST(Parser, AllFields) {
  Assertion a = parseOk(
      "KeyNote-Version: 2\n"
      "Local-Constants: Alice = \"fake-hex:0a\"\n"
      "                 Bob = \"fake-hex:0b\"\n"
      "Authorizer: Alice\n"
      "Licensees: Bob || \"carol\"\n"
      "Conditions: app_domain == \"XMPP\";\n"
      "Comment: anything \"goes\" here ( {\n"
      "Signature: \"sig-fake-hex:00\"\n");
  ASSERT_EQ(a.localConstants.size(), 2U);
  EXPECT_EQ(a.localConstants[1].first, "Bob");
  EXPECT_EQ(a.authorizer, "fake-hex:0a");
  EXPECT_EQ(a.principals, (std::vector<std::string>{"fake-hex:0b", "carol"}));
  EXPECT_TRUE(a.hasComment);
  EXPECT_EQ(a.signature, "sig-fake-hex:00");
  EXPECT_EQ(a.signatureAlgorithm, "sig-fake-hex:");
}

TEST(Parser, VersionMustBeTwo) {
  EXPECT_TRUE(parseAssertion("KeyNote-Version: \"2\"\nAuthorizer: \"a\"\n"));
  EXPECT_NE(errorOf("KeyNote-Version: 3\nAuthorizer: \"a\"\n").find("unsupported KeyNote-Version"),
            std::string::npos);
  EXPECT_NE(errorOf("KeyNote-Version: 2 2\nAuthorizer: \"a\"\n").find("expected end"),
            std::string::npos);
}

TEST(Parser, LocalConstantsRules) {
  EXPECT_NE(errorOf("Local-Constants: A = \"1\" A = \"2\"\nAuthorizer: A\n").find("defined twice"),
            std::string::npos);
  EXPECT_NE(errorOf("Local-Constants: _A = \"1\"\nAuthorizer: \"a\"\n").find("may not start"),
            std::string::npos);
  EXPECT_NE(errorOf("Local-Constants: A = B\nAuthorizer: \"a\"\n").find("quoted string value"),
            std::string::npos);
  EXPECT_NE(errorOf("Local-Constants: A \"1\"\nAuthorizer: \"a\"\n").find("'='"),
            std::string::npos);
  EXPECT_NE(errorOf("Local-Constants: true = \"1\"\nAuthorizer: \"a\"\n").find("keyword"),
            std::string::npos);
}

TEST(Parser, LocalConstantsErrorsRejectEvenInLenientMode) {
  EXPECT_FALSE(parseAssertionLenient("Local-Constants: A = \nAuthorizer: \"a\"\n"));
}

TEST(Parser, PrincipalsConcatenate) {
  Assertion a = parseOk("Local-Constants: P = \"fake\"\nAuthorizer: P . \"-hex:\" . \"0a\"\n");
  EXPECT_EQ(a.authorizer, "fake-hex:0a");
}

TEST(Parser, UnquotedUnknownPrincipalIsAnError) {
  std::string e = errorOf("Authorizer: POLICY\n");
  EXPECT_NE(e.find("'POLICY' is not a Local-Constants name"), std::string::npos) << e;
  EXPECT_NE(e.find("\"POLICY\""), std::string::npos);  // suggests the quoted form
  EXPECT_EQ(e.substr(0, 5), "1:13:");
}

TEST(Parser, AuthorizerIsOnePrincipal) {
  EXPECT_NE(errorOf("Authorizer: \"a\" \"b\"\n").find("one principal"), std::string::npos);
  EXPECT_NE(errorOf("Authorizer:\n").find("empty"), std::string::npos);
}

TEST(Parser, LicenseesPrecedenceAndGroups) {
  Assertion a =
      parseOk("Authorizer: \"x\"\nLicensees: \"a\" || \"b\" && \"c\" || (\"d\" || \"e\")\n");
  ASSERT_FALSE(a.licensees.empty());
  const LicenseeNode& root = a.licensees.back();
  ASSERT_EQ(root.kind, LicenseeNode::Kind::Or);
  ASSERT_EQ(root.children.size(), 3U);
  EXPECT_EQ(a.licensees[root.children[0]].kind, LicenseeNode::Kind::Principal);
  EXPECT_EQ(a.licensees[root.children[1]].kind, LicenseeNode::Kind::And);  // && binds tighter
  EXPECT_EQ(a.licensees[root.children[2]].kind, LicenseeNode::Kind::Or);
  EXPECT_EQ(a.principals.size(), 5U);
}

TEST(Parser, KOf) {
  Assertion a = parseOk("Authorizer: \"x\"\nLicensees: 2-of(\"a\", \"b\", \"c\")\n");
  const LicenseeNode& root = a.licensees.back();
  EXPECT_EQ(root.kind, LicenseeNode::Kind::KOf);
  EXPECT_EQ(root.k, 2U);
  EXPECT_EQ(root.children.size(), 3U);
  EXPECT_NE(errorOf("Authorizer: \"x\"\nLicensees: 4-of(\"a\", \"b\", \"c\")\n")
                .find("4-of needs at least 4 principals, the list has 3"),
            std::string::npos);
  EXPECT_NE(errorOf("Authorizer: \"x\"\nLicensees: 0-of(\"a\")\n").find("at least 1"),
            std::string::npos);
  EXPECT_NE(errorOf("Authorizer: \"x\"\nLicensees: 1-of(\"a\" || \"b\")\n").find("',' or ')'"),
            std::string::npos);
}

TEST(Parser, EmptyLicenseesDiffersFromAbsent) {
  Assertion empty = parseOk("Authorizer: \"x\"\nLicensees:\n");
  EXPECT_TRUE(empty.hasLicensees);
  EXPECT_TRUE(empty.licensees.empty());
  Assertion absent = parseOk("Authorizer: \"x\"\n");
  EXPECT_FALSE(absent.hasLicensees);
}

TEST(Parser, SignatureAndSignedRegion) {
  const std::string text =
      "\n\nAuthorizer: \"fake-hex:0a\"\nLicensees: \"b\"\nSignature: \"sig-fake-hex:\\\n  00ff\"\n";
  Assertion a = parseOk(text);
  EXPECT_EQ(a.signature, "sig-fake-hex:00ff");
  EXPECT_EQ(a.signatureAlgorithm, "sig-fake-hex:");
  // From the first byte after leading blank space to the Signature keyword.
  EXPECT_EQ(a.signedRegion(), "Authorizer: \"fake-hex:0a\"\nLicensees: \"b\"\n");
  EXPECT_EQ(a.firstLine, 3);
}

TEST(Parser, EmptySignatureFieldIsAllowed) {
  Assertion a = parseOk("Authorizer: \"POLICY\"\nSignature:\n");
  EXPECT_TRUE(a.hasSignature);
  EXPECT_TRUE(a.signature.empty());
}

TEST(Parser, SignatureWithoutAlgorithm) {
  EXPECT_NE(errorOf("Authorizer: \"a\"\nSignature: \"deadbeef\"\n").find("no algorithm"),
            std::string::npos);
}

TEST(Parser, LenientKeepsAssertionsWithBadBodies) {
  auto r = parseAssertionLenient("Authorizer: \"a\"\nConditions: x == ;\n");
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->error);
  EXPECT_EQ(r->error->line, 2);
  EXPECT_EQ(r->error->column, 18);
  EXPECT_FALSE(parseAssertion("Authorizer: \"a\"\nConditions: x == ;\n"));
}

TEST(Parser, TextAfterTheFirstAssertionIsIgnored) {
  Assertion a = parseOk("Authorizer: \"a\"\n\nthis is not: an assertion\n");
  EXPECT_EQ(a.text, "Authorizer: \"a\"\n");
}

TEST(Parser, ParseManyReportsPositionsInTheWholeText) {
  auto all = parse("Authorizer: \"a\"\n\nAuthorizer: \"b\"\nLicensees: \"c\"\n");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[1].firstLine, 3);
  auto bad = parse("Authorizer: \"a\"\n\nAuthorizer: \"b\"\nLicensees: c\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().line, 4);
  EXPECT_EQ(bad.error().column, 12);
}

TEST(Parser, PositionsOfSpans) {
  Assertion a = parseOk("Authorizer: \"a\"\nLicensees: \"bee\"\n");
  auto [line, column] = a.position(a.licensees.back().span.begin);
  EXPECT_EQ(line, 2);
  EXPECT_EQ(column, 12);
}

TEST(Parser, CommentsInsideFields) {
  Assertion a = parseOk(
      "Authorizer: \"a\" # the issuer\n"
      "Licensees: \"b\" # first\n"
      "# a whole comment line inside the field\n"
      "   || \"c\"\n");
  EXPECT_EQ(a.principals.size(), 2U);
}

}  // namespace
}  // namespace keynote
