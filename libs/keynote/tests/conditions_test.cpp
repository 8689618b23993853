// Conditions grammar: precedence, associativity, types, clauses and their
// syntax errors (RFC 2704 4.6.5).

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace keynote::testing {
namespace {

TEST(ConditionsSyntax, EveryClauseEndsWithSemicolon) {
  EXPECT_EQ(conditionsError("true;"), "");
  EXPECT_NE(conditionsError("true").find("expected ';' ending the clause"), std::string::npos);
  EXPECT_NE(conditionsError("true; false").find("';'"), std::string::npos);
}

TEST(ConditionsSyntax, EmptyProgramIsValid) {
  EXPECT_EQ(conditionsError(""), "");
  EXPECT_EQ(conditionsError("# only a comment"), "");
}

TEST(ConditionsSyntax, StringComparedWithIntegerIsAnError) {
  std::string e = conditionsError("n < 5;");
  EXPECT_NE(e.find("cannot compare a string with an integer"), std::string::npos) << e;
  EXPECT_NE(e.find('@'), std::string::npos);  // tells how to convert
  EXPECT_EQ(conditionsError("@n < 5;"), "");
}

TEST(ConditionsSyntax, NoFloatEquality) {
  EXPECT_NE(conditionsError("&x == 1.5;").find("floats cannot be compared"), std::string::npos);
  EXPECT_EQ(conditionsError("&x >= 1.5;"), "");
}

TEST(ConditionsSyntax, IntegersAndFloatsDoNotMix) {
  EXPECT_NE(conditionsError("1 + 1.5 < 3.0;").find("two integers or two floats"),
            std::string::npos);
  EXPECT_NE(conditionsError("1.5 % 1.0 < 3.0;").find("only defined for integers"),
            std::string::npos);
}

TEST(ConditionsSyntax, ComparisonsDoNotChain) {
  EXPECT_NE(conditionsError("a == b == c;").find("cannot be chained"), std::string::npos);
  EXPECT_NE(conditionsError("1 < 2 < 3;").find("cannot be chained"), std::string::npos);
}

TEST(ConditionsSyntax, SingleEqualsIsNotAComparison) {
  // The paper writes App_domain="XMPP": not KeyNote.
  std::string e = conditionsError("App_domain=\"XMPP\";");
  EXPECT_NE(e.find("'=' is not a comparison (use '==')"), std::string::npos) << e;
  EXPECT_EQ(e.substr(0, 5), "2:23:");
}

TEST(ConditionsSyntax, ClauseMustBeATest) {
  EXPECT_NE(conditionsError("a;").find("a clause must be a test"), std::string::npos);
  EXPECT_NE(conditionsError("1 + 2;").find("a clause must be a test"), std::string::npos);
}

TEST(ConditionsSyntax, ArrowValueMustBeAString) {
  EXPECT_EQ(conditionsError("true -> \"a\" . \"b\";"), "");
  EXPECT_NE(conditionsError("true -> 5;").find("the value after '->' must be a string"),
            std::string::npos);
}

TEST(ConditionsSyntax, BlocksNeedBracesAndSemicolons) {
  EXPECT_EQ(conditionsError("a == \"1\" -> { b == \"2\" -> \"x\"; true; };"), "");
  EXPECT_NE(conditionsError("a == \"1\" -> { b == \"2\"; ;").find("expected an expression"),
            std::string::npos);
  EXPECT_NE(conditionsError("true -> { true; }").find("';'"), std::string::npos);
  EXPECT_EQ(conditionsError("true -> { };"), "");
}

TEST(ConditionsSyntax, OperandTypes) {
  EXPECT_NE(conditionsError("!a;").find("the operand of '!' must be a test"), std::string::npos);
  EXPECT_NE(conditionsError("@1 == 1;").find("the operand of '@' must be a string"),
            std::string::npos);
  EXPECT_NE(conditionsError("-a == b;").find("unary '-'"), std::string::npos);
  EXPECT_NE(conditionsError("1 ~= \"x\";").find("left side of '~='"), std::string::npos);
  EXPECT_NE(conditionsError("true && a;").find("right side of '&&'"), std::string::npos);
  EXPECT_NE(conditionsError("a . 1 == b;").find("right side of '.'"), std::string::npos);
  EXPECT_NE(conditionsError("(a == b) == (c == d);").find("tests cannot be compared"),
            std::string::npos);
}

TEST(ConditionsSyntax, TrueAndFalseAreKeywords) {
  // [ref] they cannot be attribute names.
  EXPECT_NE(conditionsError("true == \"x\";").find("cannot compare a test with a string"),
            std::string::npos);
}

TEST(ConditionsSyntax, ErrorsNameLineAndColumn) {
  auto r = parseAssertion(
      "Authorizer: \"POLICY\"\n"
      "Conditions: app_domain == \"XMPP\" &&\n"
      "            port < 5;\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 3);
  EXPECT_EQ(r.error().column, 18);
  EXPECT_EQ(r.error().code, "syntax");
}

TEST(ConditionsSyntax, InvalidRegexIsNotASyntaxError) {
  // RFC 2704: a bad regex is a run-time error that makes the test false.
  EXPECT_EQ(conditionsError("a ~= \"(\";"), "");
  EXPECT_EQ(conditionsError("a ~= \"(x)\\\\1\";"), "");
}

}  // namespace
}  // namespace keynote::testing
