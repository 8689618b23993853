// Field layout rules (RFC 2704 4.1 with the classic implementation's rules).

#include "fields.hpp"

#include <gtest/gtest.h>

#include "keynote/assertion.hpp"

namespace keynote::detail {
namespace {

std::string errorOf(std::string_view text) {
  auto r = scanFields(text);
  return r ? "" : r.error().describe();
}

TEST(Fields, NamesAreCaseInsensitive) {
  auto r = scanFields("AUTHORIZER: \"a\"\nlicensees: \"b\"\nCoNdItIoNs: true;\n");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE((*r)[Field::Authorizer].present);
  EXPECT_TRUE((*r)[Field::Licensees].present);
  EXPECT_TRUE((*r)[Field::Conditions].present);
}

TEST(Fields, PrefixesSelectTheFirstMatchingField) {
  // [ref] "Licensee:" (the paper's spelling) is Licensees, "C:" Conditions,
  // "Com:" Comment, "L:" Local-Constants.
  auto r = scanFields("Authorizer: \"a\"\nLicensee: \"b\"\nC: true;\nCom: hi\n");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE((*r)[Field::Licensees].present);
  EXPECT_TRUE((*r)[Field::Conditions].present);
  EXPECT_TRUE((*r)[Field::Comment].present);
  auto l = scanFields("L: A = \"x\"\nAuthorizer: A\n");
  ASSERT_TRUE(l);
  EXPECT_TRUE((*l)[Field::LocalConstants].present);
}

TEST(Fields, UnknownNamesAndSpacesBeforeTheColonAreErrors) {
  EXPECT_NE(errorOf("Authorizer: \"a\"\nExpires: 2010\n").find("unknown field name 'Expires'"),
            std::string::npos);
  EXPECT_NE(errorOf("Authorizer : \"a\"\n").find("unknown field name"), std::string::npos);
  EXPECT_NE(errorOf("Licenseesx: \"a\"\nAuthorizer: \"b\"\n").find("unknown"), std::string::npos);
}

TEST(Fields, ContinuationLinesAndCommentLinesBelongToTheField) {
  const std::string_view text =
      "Authorizer: \"a\"\nConditions: x == \"1\" &&\n   y == \"2\";\n# comment\n\tz;\n"
      "Comment: c\n";
  auto r = scanFields(text);
  ASSERT_TRUE(r) << r.error().describe();
  const FieldRange& c = (*r)[Field::Conditions];
  std::string_view value = text.substr(c.begin, c.end - c.begin);
  EXPECT_EQ(value, " x == \"1\" &&\n   y == \"2\";\n# comment\n\tz;");
}

TEST(Fields, BlankLineEndsTheAssertion) {
  const std::string_view text = "Authorizer: \"a\"\nLicensees: \"b\"\n\nAuthorizer: \"c\"\n";
  auto r = scanFields(text);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, 31U);  // just past the first newline of the blank line
  EXPECT_EQ(text.substr(r->start, r->end - r->start), "Authorizer: \"a\"\nLicensees: \"b\"\n");
}

TEST(Fields, VersionMustBeFirst) {
  EXPECT_TRUE(scanFields("KeyNote-Version: 2\nAuthorizer: \"a\"\n"));
  EXPECT_NE(errorOf("Authorizer: \"a\"\nKeyNote-Version: 2\n").find("must be the first"),
            std::string::npos);
  // [ref] a comment line before the version counts as a field.
  EXPECT_NE(errorOf("# policy\nKeyNote-Version: 2\nAuthorizer: \"a\"\n").find("first"),
            std::string::npos);
}

TEST(Fields, SignatureMustBeLast) {
  EXPECT_TRUE(scanFields("Authorizer: \"a\"\nSignature: \"sig-x:1\"\n"));
  std::string e = errorOf("Authorizer: \"a\"\nSignature: \"sig-x:1\"\nComment: late\n");
  EXPECT_NE(e.find("last field"), std::string::npos);
  EXPECT_EQ(e.substr(0, 4), "3:1:");
}

TEST(Fields, EachFieldAtMostOnce) {
  std::string e = errorOf("Authorizer: \"a\"\nConditions: true;\nconditions: false;\n");
  EXPECT_NE(e.find("Conditions appears more than once"), std::string::npos);
  EXPECT_EQ(e.substr(0, 4), "3:1:");
}

TEST(Fields, AuthorizerIsMandatory) {
  EXPECT_NE(errorOf("Licensees: \"a\"\n").find("Authorizer field is missing"), std::string::npos);
}

TEST(Fields, LeadingBlankLinesAreSkippedButIndentedFirstFieldIsNot) {
  EXPECT_TRUE(scanFields("\n\n  \nAuthorizer: \"a\"\n"));
  EXPECT_NE(errorOf("   Authorizer: \"a\"\n").find("beginning of a line"), std::string::npos);
  EXPECT_NE(errorOf("   \n  ").find("empty assertion"), std::string::npos);
}

TEST(Fields, LineWithoutColon) {
  std::string e = errorOf("Authorizer: \"a\"\nbogus line\n");
  EXPECT_NE(e.find("expected a field name followed by ':'"), std::string::npos);
  EXPECT_EQ(e.substr(0, 4), "2:1:");
}

TEST(Fields, ErrorPositionsCountFromTheGivenOrigin) {
  auto r = scanFields("Authorizer: \"a\"\nNope: 1\n", 10, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 11);
  EXPECT_EQ(r.error().column, 1);
}

TEST(SplitAssertions, LikeKnReadAsserts) {
  auto pieces =
      splitAssertions("Authorizer: \"a\"\n\n\n \t\n\nAuthorizer: \"b\"\nLicensees: \"c\"\n\n");
  ASSERT_EQ(pieces.size(), 2U);
  EXPECT_EQ(pieces[0].text, "Authorizer: \"a\"\n");
  EXPECT_EQ(pieces[0].offset, 0U);
  EXPECT_EQ(pieces[1].text, "Authorizer: \"b\"\nLicensees: \"c\"\n");
  EXPECT_TRUE(splitAssertions("  \n \n").empty());
}

}  // namespace
}  // namespace keynote::detail
