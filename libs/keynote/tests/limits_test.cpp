// Hardening: hostile assertions are refused or evaluated in bounded time and
// memory, and each limit of keynote::Limits is enforced.

#include <gtest/gtest.h>

#include <array>

#include <chrono>

#include "test_util.hpp"

namespace keynote::testing {
namespace {

constexpr std::array<std::string_view, 2> kBool{"false", "true"};

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(Limits, AssertionSize) {
  Limits limits;
  limits.maxAssertionBytes = 1000;
  std::string text = "Authorizer: \"POLICY\"\nComment: " + std::string(2000, 'x') + "\n";
  auto r = parseAssertion(text, limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "limit");
  EXPECT_TRUE(parseAssertion(text));  // the default allows it
}

TEST(Limits, ExpressionDepthFromParentheses) {
  std::string deep = repeat("(", 5000) + "true" + repeat(")", 5000) + ";";
  auto r = parseAssertion("Authorizer: \"POLICY\"\nConditions: " + deep + "\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "limit");
  EXPECT_NE(r.error().message.find("nested deeper than 128"), std::string::npos);
}

TEST(Limits, ExpressionDepthFromOperators) {
  for (const std::string& op : {std::string("!"), std::string("-"), std::string("$")}) {
    std::string expr = op == "!"   ? repeat("!", 5000) + "true;"
                       : op == "-" ? repeat("-", 5000) + "1 == 1;"
                                   : repeat("$", 5000) + "a == \"\";";
    auto r = parseAssertion("Authorizer: \"POLICY\"\nConditions: " + expr + "\n");
    ASSERT_FALSE(r) << op;
    EXPECT_EQ(r.error().code, "limit") << op;
  }
  // Left-deep arithmetic chains count too (they nest in the tree).
  auto r =
      parseAssertion("Authorizer: \"POLICY\"\nConditions: 1" + repeat(" + 1", 5000) + " > 0;\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "limit");
  // Nested blocks.
  auto b = parseAssertion("Authorizer: \"POLICY\"\nConditions: " + repeat("true -> {", 500) +
                          repeat("};", 500) + "\n");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, "limit");
}

TEST(Limits, LongFlatChainsAreFine) {
  // && / || / . chains are flattened: long but shallow.
  std::string conds = "a == \"1\"" + repeat(" && a == \"1\"", 5000) + ";";
  EXPECT_TRUE(isTrue(conds, {{"a", "1"}}));
  std::string concat =
      "\"x\"" + repeat(" . \"x\"", 5000) + " == " + "\"" + std::string(5001, 'x') + "\";";
  EXPECT_TRUE(isTrue(concat));
}

TEST(Limits, LicenseesDepthAndKOfLength) {
  std::string deep = repeat("(", 1000) + "\"a\"" + repeat(")", 1000);
  auto r = parseAssertion("Authorizer: \"POLICY\"\nLicensees: " + deep + "\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "limit");

  std::string list = "\"p0\"";
  for (int i = 1; i < 300; ++i) list += ", \"p" + std::to_string(i) + "\"";
  auto k = parseAssertion("Authorizer: \"POLICY\"\nLicensees: 1-of(" + list + ")\n");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, "limit");
  EXPECT_NE(k.error().message.find("K-of"), std::string::npos);

  std::string many = "\"p0\"";
  for (int i = 1; i < 1100; ++i) many += " || \"p" + std::to_string(i) + "\"";
  auto m = parseAssertion("Authorizer: \"POLICY\"\nLicensees: " + many + "\n");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, "limit");
}

TEST(Limits, NumberOfAssertions) {
  FakeCrypto crypto;
  Limits limits;
  limits.maxAssertions = 3;
  Session s(crypto, limits);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(s.addAssertion("Authorizer: \"POLICY\"\n", Trust::Trusted));
  auto r = s.addAssertion("Authorizer: \"POLICY\"\n", Trust::Trusted);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "limit");
  s.removeAssertion(0);
  EXPECT_TRUE(s.addAssertion("Authorizer: \"POLICY\"\n", Trust::Trusted));
}

TEST(Limits, DelegationDepth) {
  FakeCrypto crypto;
  auto chain = [&](std::size_t length, std::size_t limit) {
    Limits limits;
    limits.maxDelegationDepth = limit;
    Session s(crypto, limits);
    s.addAssertion("Authorizer: \"POLICY\"\nLicensees: \"p0\"\n", Trust::Trusted);
    for (std::size_t i = 0; i < length; ++i) {
      s.addAssertion("Authorizer: \"p" + std::to_string(i) + "\"\nLicensees: \"p" +
                         std::to_string(i + 1) + "\"\n",
                     Trust::Trusted);
    }
    (void)s.addAuthorizer("p" + std::to_string(length));
    auto r = s.query(kBool);
    return std::make_pair(r ? *r : 99, s.failures());
  };
  EXPECT_EQ(chain(50, 64).first, 1U);
  auto [value, failures] = chain(100, 64);
  EXPECT_EQ(value, 0U);
  ASSERT_FALSE(failures.empty());
  EXPECT_EQ(failures[0].kind, FailureKind::Limit);
  EXPECT_NE(failures[0].message.find("delegation chain longer than 64"), std::string::npos);
  EXPECT_EQ(chain(100, 200).first, 1U);
}

TEST(Limits, WideDelegationGraphIsEvaluatedOncePerAssertion) {
  // Every layer licenses all principals of the next: exponentially many
  // paths, but each assertion is evaluated once per query.
  FakeCrypto crypto;
  Session s(crypto);
  const int layers = 30;
  const int width = 8;
  auto name = [](int l, int w) {
    return "\"n" + std::to_string(l) + "_" + std::to_string(w) + "\"";
  };
  std::string all0;
  for (int w = 0; w < width; ++w) all0 += (w ? " || " : "") + name(0, w);
  s.addAssertion("Authorizer: \"POLICY\"\nLicensees: " + all0 + "\n", Trust::Trusted);
  for (int l = 0; l + 1 < layers; ++l) {
    std::string next;
    for (int w = 0; w < width; ++w) next += (w ? " && " : "") + name(l + 1, w);
    for (int w = 0; w < width; ++w) {
      s.addAssertion("Authorizer: " + name(l, w) + "\nLicensees: " + next + "\n", Trust::Trusted);
    }
  }
  for (int w = 0; w < width; ++w) {
    ASSERT_TRUE(s.addAuthorizer("n" + std::to_string(layers - 1) + "_" + std::to_string(w)));
  }
  auto start = std::chrono::steady_clock::now();
  auto r = s.query(kBool);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 1U);
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(Limits, RegexSizeAndPathologicalPatterns) {
  Limits limits;
  std::string big(limits.maxRegexBytes + 1, 'a');
  EXPECT_FALSE(isTrue("x ~= \"" + big + "\";", {{"x", big}}));
  // Catastrophic for backtracking engines, linear for RE2.
  std::string subject(20000, 'a');
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(isTrue("x ~= \"^(a+)+$\" && x ~= \"(a|aa)*c\";", {{"x", subject + "b"}}));
  EXPECT_TRUE(isTrue("x ~= \"^(a|a)*$\";", {{"x", subject}}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // Huge repetition counts are refused by RE2.
  EXPECT_FALSE(isTrue("x ~= \"a{1000}{1000}\";", {{"x", "a"}}));
}

TEST(Limits, RuntimeStringSize) {
  FakeCrypto crypto;
  Session s(crypto);
  std::string value(40000, 'v');
  s.setAction("big", value);
  s.addAssertion("Authorizer: \"POLICY\"\nConditions: big . big == \"\" || true;\n",
                 Trust::Trusted);
  (void)s.addAuthorizer("x");
  // big . big exceeds 64 KiB: a runtime error, so the clause is false.
  EXPECT_EQ(*s.query(kBool), 0U);
}

TEST(Limits, WorkBudgetBoundsHostileConditions) {
  // Many comparisons of long strings: bounded by the per-query budget.
  FakeCrypto crypto;
  Session s(crypto);
  s.setAction("big", std::string(60000, 'b'));
  std::string conds = "big . \"x\" == big . \"y\"";
  for (int i = 0; i < 2000; ++i) conds += " || big . \"x\" == big . \"y\"";
  ASSERT_TRUE(
      s.addAssertion("Authorizer: \"POLICY\"\nConditions: " + conds + ";\n", Trust::Trusted));
  (void)s.addAuthorizer("x");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(*s.query(kBool), 0U);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  bool limited = false;
  for (const auto& f : s.failures()) limited |= f.kind == FailureKind::Limit;
  EXPECT_TRUE(limited);
}

TEST(Limits, ValuesAttributesAndAuthorizers) {
  FakeCrypto crypto;
  Limits limits;
  limits.maxValues = 4;
  limits.maxAttributes = 2;
  limits.maxAuthorizers = 1;
  limits.maxAttributeBytes = 10;
  Session s(crypto, limits);
  EXPECT_TRUE(s.setAction("a", "1"));
  EXPECT_TRUE(s.setAction("b", "1"));
  EXPECT_FALSE(s.setAction("c", "1"));
  EXPECT_TRUE(s.setAction("a", "2"));  // replacing is fine
  EXPECT_FALSE(s.setAction("a", "01234567890"));
  EXPECT_TRUE(s.addAuthorizer("x"));
  EXPECT_FALSE(s.addAuthorizer("y"));
  std::vector<std::string_view> five{"1", "2", "3", "4", "5"};
  auto r = s.query(five);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "limit");
}

TEST(Limits, GarbageInputNeverCrashes) {
  // A quick sweep of hostile shapes (the fuzzers go much further).
  const std::vector<std::string> inputs = {
      std::string("\0\0\0", 3),
      "Authorizer:",
      "Authorizer: \"",
      "Authorizer: \"a\"\nConditions: \"\\",
      "Authorizer: \"a\"\nConditions: (((((",
      "Authorizer: \"a\"\nLicensees: 5-of(",
      "Authorizer: \"a\"\nConditions: a ~= \"[\";",
      "Authorizer: \"a\"\nConditions: $$$$;",
      "Authorizer: \"a\"\nConditions: -> {",
      "K:\nA:\"a\"\n",
      ":",
      "#",
      "\n\n\n",
      "Authorizer: \"a\"\nSignature: \"x\"\n\n\nmore",
  };
  FakeCrypto crypto;
  for (const std::string& in : inputs) {
    (void)parse(in);
    (void)parseAssertionLenient(in);
    Session s(crypto);
    (void)s.addAssertion(in, Trust::Trusted);
    (void)s.addAuthorizer("a");
    (void)s.query(kBool);
    (void)s.explain(kBool);
  }
  SUCCEED();
}

}  // namespace
}  // namespace keynote::testing
