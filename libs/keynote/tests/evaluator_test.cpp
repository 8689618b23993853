// Conditions evaluation: operators, precedence, conversions, regexes,
// clause values, runtime errors (RFC 2704 4.6.5 and the classic behaviour).

#include "evaluator.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace keynote::testing {
namespace {

using Attrs = std::map<std::string, std::string>;

TEST(Evaluate, IntegerArithmeticAndPrecedence) {
  EXPECT_TRUE(isTrue("1 + 2 * 3 == 7;"));
  EXPECT_TRUE(isTrue("(1 + 2) * 3 == 9;"));
  EXPECT_TRUE(isTrue("2 ^ 3 ^ 2 == 64;"));  // left associative
  EXPECT_TRUE(isTrue("-2 ^ 2 == 4;"));      // unary minus binds tightest
  EXPECT_TRUE(isTrue("10 - 4 - 3 == 3;"));
  EXPECT_TRUE(isTrue("7 / 2 == 3;"));
  EXPECT_TRUE(isTrue("-7 / 2 == -3;"));  // truncation toward zero
  EXPECT_TRUE(isTrue("-7 % 3 == -1;"));
  EXPECT_TRUE(isTrue("2 ^ -1 == 0;"));  // x ^ negative = 0
  EXPECT_TRUE(isTrue("3 != 4;"));
  EXPECT_TRUE(isTrue("3 <= 3 && 4 >= 3 && 2 < 3 && 3 > 2;"));
}

TEST(Evaluate, IntegerOverflowWrapsInsteadOfCrashing) {
  EXPECT_TRUE(isTrue("9223372036854775807 + 1 < 0;"));
  EXPECT_TRUE(isTrue("2 ^ 64 == 0;"));
  EXPECT_TRUE(isTrue("(-9223372036854775807 - 1) / -1 < 0;"));
  EXPECT_TRUE(isTrue("(-9223372036854775807 - 1) % -1 == 0;"));
}

TEST(Evaluate, FloatArithmetic) {
  EXPECT_TRUE(isTrue("1.5 + 1.25 >= 2.75 && 1.5 + 1.25 <= 2.75;"));
  EXPECT_TRUE(isTrue("2.0 ^ 0.5 > 1.41 && 2.0 ^ 0.5 < 1.42;"));
  EXPECT_TRUE(isTrue("-1.5 < 0.0;"));
  EXPECT_TRUE(isTrue("7.0 / 2.0 > 3.4;"));
}

TEST(Evaluate, Conversions) {
  Attrs a{{"n", "3.99"}, {"neg", "-5"}, {"junk", "12abc"}, {"f", "2.5"}, {"big", "1e3"}};
  EXPECT_TRUE(isTrue("@n == 3;", a));    // rounds down
  EXPECT_TRUE(isTrue("@neg == 0;", a));  // [ref] only digits and one '.'
  EXPECT_TRUE(isTrue("@junk == 0;", a));
  EXPECT_TRUE(isTrue("@big == 0;", a));
  EXPECT_TRUE(isTrue("&f > 2.4 && &f < 2.6;", a));
  EXPECT_TRUE(isTrue("@missing == 0;", a));  // undefined attribute is "" -> 0
  EXPECT_TRUE(isTrue("@\"1.2.3\" == 0;", a));
}

TEST(Evaluate, StringsAndNumbersCompareDifferently) {
  Attrs a{{"a", "9"}, {"b", "10"}};
  EXPECT_TRUE(isTrue("a > b;", a));    // strcmp order
  EXPECT_TRUE(isTrue("@a < @b;", a));  // numeric order
  EXPECT_TRUE(isTrue("\"20100115\" >= \"20100101\" && \"20100115\" <= \"20100201\";"));
}

TEST(Evaluate, StringComparisonsAndConcatenation) {
  Attrs a{{"user", "bob"}, {"host", "example.org"}};
  EXPECT_TRUE(isTrue("user . \"@\" . host == \"bob@example.org\";", a));
  EXPECT_TRUE(isTrue("\"abc\" < \"abd\" && \"b\" > \"abc\" && \"x\" != \"y\";"));
  EXPECT_TRUE(isTrue("undefined == \"\";", a));
}

TEST(Evaluate, Dereference) {
  Attrs a{{"which", "host"}, {"host", "example.org"}, {"ptr", "which"}};
  EXPECT_TRUE(isTrue("$which == \"example.org\";", a));
  EXPECT_TRUE(isTrue("$$ptr == \"example.org\";", a));
  EXPECT_TRUE(isTrue("$(\"ho\" . \"st\") == \"example.org\";", a));
  EXPECT_TRUE(isTrue("$which . \"!\" == \"example.org!\";", a));  // $ binds tighter than .
  EXPECT_TRUE(isTrue("$\"nothing\" == \"\";", a));
}

TEST(Evaluate, LocalConstantsShadowAttributes) {
  EXPECT_EQ(conditionsValue("host == \"local\";", {{"host", "remote"}}, {"false", "true"},
                            "host = \"local\""),
            "true");
  EXPECT_EQ(conditionsValue("$\"host\" == \"local\";", {{"host", "remote"}}, {"false", "true"},
                            "host = \"local\""),
            "true");
}

TEST(Evaluate, LogicalOperatorsAndPrecedence) {
  EXPECT_TRUE(isTrue("true || false && false;"));  // && binds tighter than ||
  EXPECT_TRUE(isTrue("!false && true;"));
  EXPECT_TRUE(isTrue("!(1 == 2);"));
  EXPECT_TRUE(isTrue("! 1 == 2;"));  // ! is looser than comparisons
  EXPECT_TRUE(isTrue("TRUE;"));
  EXPECT_FALSE(isTrue("False;"));
}

TEST(Evaluate, RuntimeErrorsMakeTheTestFalse) {
  EXPECT_FALSE(isTrue("1 / 0 == 0;"));
  EXPECT_FALSE(isTrue("1 % 0 == 0;"));
  EXPECT_FALSE(isTrue("1.0 / 0.0 > 0.0;"));
  EXPECT_FALSE(isTrue("!(1 / 0 == 0);"));         // an error is not negated into true
  EXPECT_FALSE(isTrue("(1 / 0 == 0) || true;"));  // the whole test fails
  // ... but not other clauses, and short-circuit skips errors.
  EXPECT_TRUE(isTrue("1 / 0 == 0; true;"));
  EXPECT_TRUE(isTrue("false && 1 / 0 == 0 || true;"));
  EXPECT_TRUE(isTrue("true || 1 / 0 == 0;"));
}

TEST(Evaluate, Regexes) {
  Attrs a{{"ip", "192.168.40.55"}, {"other", "192x168.40.55"}};
  EXPECT_TRUE(isTrue("ip ~= \"^192\\\\.168\\\\.40\\\\.5[0-9]$\";", a));
  EXPECT_FALSE(isTrue("other ~= \"^192\\\\.168\\\\.40\\\\.5[0-9]$\";", a));
  // Pitfall: "\." in a KeyNote literal is just ".", so dots match anything.
  EXPECT_TRUE(isTrue("other ~= \"^192\\.168\\.40\\.5[0-9]$\";", a));
  EXPECT_TRUE(isTrue("ip ~= \"168\";", a));                 // unanchored
  EXPECT_TRUE(isTrue("ip ~= \"^[[:digit:]]+\\\\.\";", a));  // POSIX classes
  EXPECT_TRUE(isTrue("\"a\\nb\" ~= \"a.b\";"));             // '.' matches a newline
  EXPECT_TRUE(isTrue("\"xa\\nb\" ~= \"^xa\";"));
  EXPECT_FALSE(isTrue("\"x\\nab\" ~= \"^ab\";"));    // ^ only at the start
  EXPECT_TRUE(isTrue("ip ~= \"^\" . \"192\";", a));  // computed pattern
}

TEST(Evaluate, RegexesRE2CannotRunAreRefused) {
  EXPECT_FALSE(isTrue("\"aa\" ~= \"(a)\\\\1\";"));  // backreference
  EXPECT_FALSE(isTrue("\"7\" ~= \"\\\\d\";"));      // Perl class, not POSIX
  EXPECT_FALSE(isTrue("\"x\" ~= \"(\";"));          // malformed
  EXPECT_FALSE(isTrue("\"x\" ~= \"(\" . \"\";"));   // malformed, computed
  EXPECT_TRUE(isTrue("\"x\" ~= \"(\"; true;"));     // other clauses still count
}

TEST(Evaluate, RegexGroups) {
  Attrs a{{"jid", "bob@example.org"}};
  EXPECT_TRUE(
      isTrue("jid ~= \"^([a-z]+)@(.*)$\" && _0 == \"2\" && _1 == \"bob\" && "
             "_2 == \"example.org\";",
             a));
  // Groups are visible in the -> value of the same clause ...
  EXPECT_EQ(conditionsValue("jid ~= \"^(true|false)$\" -> _1;", {{"jid", "true"}}), "true");
  // ... but not in the next clause.
  EXPECT_FALSE(isTrue("jid ~= \"^(bob)\" -> \"false\"; _1 == \"bob\";", a));
  // A failed match clears earlier groups.
  EXPECT_FALSE(isTrue("jid ~= \"(bob)\" && jid ~= \"(zzz)\" || _1 == \"bob\";", a));
  // Nested blocks see the groups of their parent clause.
  EXPECT_TRUE(isTrue("jid ~= \"^(bob)@\" -> { _1 == \"bob\"; };", a));
}

TEST(Evaluate, LongestMatchGroups) {
  EXPECT_TRUE(
      isTrue("\"abcd\" ~= \"(a|ab)(c|bcd)\" && _1 == \"a\" && _2 == \"bcd\" || "
             "_1 == \"ab\";"));
}

TEST(Evaluate, ClauseValuesAndMaximum) {
  const std::vector<std::string_view> v{"reject", "log", "approve"};
  EXPECT_EQ(conditionsValue("true -> \"log\";", {}, v), "log");
  EXPECT_EQ(conditionsValue("true -> \"log\"; true -> \"approve\"; true -> \"reject\";", {}, v),
            "approve");
  EXPECT_EQ(conditionsValue("true;", {}, v), "approve");  // no value: _MAX_TRUST
  EXPECT_EQ(conditionsValue("false;", {}, v), "reject");
  EXPECT_EQ(conditionsValue("true -> \"unknown\";", {}, v), "reject");  // not a value: min
  EXPECT_EQ(conditionsValue("", {}, v), "reject");                      // empty field: min
  EXPECT_EQ(conditionsValue("true -> _MAX_TRUST;", {}, v), "approve");
  EXPECT_EQ(conditionsValue("true -> _MIN_TRUST;", {}, v), "reject");
  EXPECT_EQ(conditionsValue("true -> level;", {{"level", "log"}}, v), "log");
}

TEST(Evaluate, NestedPrograms) {
  const std::vector<std::string_view> v{"no", "maybe", "yes"};
  const std::string program =
      "role == \"b2b\" -> { app == \"XMPP\" || app == \"ERP\"; };"
      "role == \"b2c\" -> { app == \"XMPP\" -> \"maybe\"; };";
  EXPECT_EQ(conditionsValue(program, {{"role", "b2b"}, {"app", "ERP"}}, v), "yes");
  EXPECT_EQ(conditionsValue(program, {{"role", "b2c"}, {"app", "XMPP"}}, v), "maybe");
  EXPECT_EQ(conditionsValue(program, {{"role", "b2c"}, {"app", "ERP"}}, v), "no");
  EXPECT_EQ(conditionsValue(program, {{"role", "x"}, {"app", "XMPP"}}, v), "no");
}

TEST(Evaluate, SpecialAttributes) {
  const std::vector<std::string_view> v{"low", "mid", "high"};
  EXPECT_EQ(conditionsValue("_MIN_TRUST == \"low\" && _MAX_TRUST == \"high\" && "
                            "_VALUES == \"low,mid,high\";",
                            {}, v),
            "high");
  EXPECT_TRUE(isTrue("_ACTION_AUTHORIZERS == \"requester\";"));
  EXPECT_TRUE(isTrue("$\"_MAX_TRUST\" == \"true\";"));
}

TEST(Conversions, ToIntegerAndToReal) {
  EXPECT_EQ(detail::toInteger("42"), 42);
  EXPECT_EQ(detail::toInteger("42.9"), 42);
  EXPECT_EQ(detail::toInteger(""), 0);
  EXPECT_EQ(detail::toInteger("."), 0);
  EXPECT_EQ(detail::toInteger("1.2.3"), 0);
  EXPECT_EQ(detail::toInteger("99999999999999999999999"), INT64_MAX);
  EXPECT_DOUBLE_EQ(detail::toReal(".5"), 0.5);
  EXPECT_DOUBLE_EQ(detail::toReal("x"), 0.0);
}

}  // namespace
}  // namespace keynote::testing
