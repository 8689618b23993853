// Explanations: the chains behind a grant, and for a refusal which
// assertion and which clause failed, as data and as text.

#include <gtest/gtest.h>

#include <array>

#include "test_util.hpp"

namespace keynote::testing {
namespace {

constexpr std::array<std::string_view, 2> kBool{"false", "true"};

class ExplainTest : public ::testing::Test {
 protected:
  FakeCrypto crypto;
  Session session{crypto};
};

TEST_F(ExplainTest, GrantShowsTheChain) {
  session.addAssertion("Authorizer: \"POLICY\"\nLicensees: \"TargetAdmin\"\n", Trust::Trusted);
  session.addAssertion(
      "Authorizer: \"TargetAdmin\"\nLicensees: \"Alice\"\n"
      "Conditions: app_domain == \"XMPP\";\n",
      Trust::Trusted);
  session.setAction("app_domain", "XMPP");
  ASSERT_TRUE(session.addAuthorizer("Alice"));
  auto e = session.explain(kBool);
  ASSERT_TRUE(e) << e.error().describe();
  EXPECT_EQ(e->value, 1U);
  ASSERT_EQ(e->chains.size(), 1U);
  const Chain& c = e->chains[0];
  ASSERT_EQ(c.links.size(), 2U);
  EXPECT_EQ(c.links[0].authorizer, "POLICY");
  EXPECT_EQ(c.links[0].licensee, "TargetAdmin");
  EXPECT_EQ(c.links[1].authorizer, "TargetAdmin");
  EXPECT_EQ(c.links[1].licensee, "Alice");
  EXPECT_EQ(c.requester, "Alice");
  EXPECT_TRUE(e->notes.empty());
  const std::string text = e->text();
  EXPECT_EQ(
      text.rfind("Result: \"true\" (compliance values, lowest first: \"false\", \"true\")\n", 0),
      0U)
      << text;
  EXPECT_NE(text.find("\"POLICY\" -> \"TargetAdmin\" gives \"true\""), std::string::npos) << text;
  EXPECT_NE(text.find("ends at requester \"Alice\""), std::string::npos) << text;
}

TEST_F(ExplainTest, RefusalNamesTheFailingClauseAndTheValues) {
  session.addAssertion(
      "Authorizer: \"POLICY\"\nLicensees: \"Alice\"\n"
      "Conditions: app_domain == \"XMPP\" &&\n"
      "            Server_IP_Address ~= \"^192\\\\.168\\\\.40\\\\.5[0-9]$\";\n",
      Trust::Trusted);
  session.setAction("app_domain", "XMPP");
  session.setAction("Server_IP_Address", "10.0.0.1");
  ASSERT_TRUE(session.addAuthorizer("Alice"));
  auto e = session.explain(kBool);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->value, 0U);
  EXPECT_TRUE(e->chains.empty());
  ASSERT_EQ(e->notes.size(), 1U);
  const AssertionNote& n = e->notes[0];
  EXPECT_EQ(n.kind, NoteKind::ConditionsFailed);
  EXPECT_EQ(n.authorizer, "POLICY");
  EXPECT_NE(n.detail.find("does not match: subject \"10.0.0.1\""), std::string::npos) << n.detail;
  EXPECT_NE(n.detail.find("line 4, column 13"), std::string::npos) << n.detail;
  EXPECT_NE(e->text().find("[conditions]"), std::string::npos);
}

TEST_F(ExplainTest, ComparisonShowsBothSides) {
  session.addAssertion("Authorizer: \"POLICY\"\nConditions: @size < 30000;\n", Trust::Trusted);
  session.setAction("size", "65536");
  ASSERT_TRUE(session.addAuthorizer("x"));
  auto e = session.explain(kBool);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->notes.size(), 1U);
  EXPECT_NE(e->notes[0].detail.find("'@size < 30000' is false: 65536 vs 30000"), std::string::npos)
      << e->notes[0].detail;
}

TEST_F(ExplainTest, RuntimeErrorIsShown) {
  session.addAssertion("Authorizer: \"POLICY\"\nConditions: \"a\" ~= \"(a)\\\\1\";\n",
                       Trust::Trusted);
  ASSERT_TRUE(session.addAuthorizer("x"));
  auto e = session.explain(kBool);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->notes.size(), 1U);
  EXPECT_NE(e->notes[0].detail.find("invalid regular expression"), std::string::npos)
      << e->notes[0].detail;
}

TEST_F(ExplainTest, UnsatisfiedLicensees) {
  session.addAssertion("Authorizer: \"POLICY\"\nLicensees: \"Alice\" && \"Bob\"\n", Trust::Trusted);
  ASSERT_TRUE(session.addAuthorizer("Alice"));
  auto e = session.explain(kBool);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->notes.size(), 1U);
  EXPECT_EQ(e->notes[0].kind, NoteKind::LicenseesUnsatisfied);
  EXPECT_NE(e->notes[0].detail.find("\"Alice\" has \"true\""), std::string::npos);
  EXPECT_NE(e->notes[0].detail.find("\"Bob\" has \"false\" (not a requester"), std::string::npos)
      << e->notes[0].detail;
}

TEST_F(ExplainTest, BadSignatureAndSyntaxErrors) {
  const std::string kA = "fake-hex:0a";
  session.addAssertion("Authorizer: \"POLICY\"\nLicensees: \"" + kA + "\"\n", Trust::Trusted);
  session.addAssertion(
      "Authorizer: \"" + kA + "\"\nLicensees: \"bob\"\nSignature: \"sig-fake-hex:00\"\n",
      Trust::Untrusted);
  session.addAssertion("Authorizer: \"POLICY\"\nConditions: x <\n", Trust::Trusted);
  ASSERT_TRUE(session.addAuthorizer("bob"));
  auto e = session.explain(kBool);
  ASSERT_TRUE(e);
  ASSERT_GE(e->notes.size(), 2U);
  bool sig = false;
  bool syntax = false;
  for (const AssertionNote& n : e->notes) {
    if (n.kind == NoteKind::SignatureFailed) {
      sig = true;
      EXPECT_EQ(n.assertion, 1U);
    }
    if (n.kind == NoteKind::SyntaxError) {
      syntax = true;
      EXPECT_EQ(n.assertion, 2U);
      EXPECT_NE(n.detail.find("2:"), std::string::npos);
    }
  }
  EXPECT_TRUE(sig);
  EXPECT_TRUE(syntax);
}

TEST_F(ExplainTest, NoPolicyRemark) {
  ASSERT_TRUE(session.addAuthorizer("x"));
  auto e = session.explain(kBool);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->remarks.size(), 1U);
  EXPECT_NE(e->text().find("no trusted assertion with Authorizer \"POLICY\""), std::string::npos);
  session.addAssertion("Authorizer: \"POLICY\"\nLicensees: \"someone-else\"\n", Trust::Trusted);
  e = session.explain(kBool);
  ASSERT_TRUE(e);
  EXPECT_NE(e->text().find("no POLICY assertion delegates"), std::string::npos);
}

TEST_F(ExplainTest, ExplainAgreesWithQuery) {
  session.addAssertion(
      "Authorizer: \"POLICY\"\nLicensees: \"a\" || \"b\"\n"
      "Conditions: x == \"1\" -> \"log\"; y == \"1\";\n",
      Trust::Trusted);
  const std::vector<std::string_view> levels{"reject", "log", "approve"};
  ASSERT_TRUE(session.addAuthorizer("b"));
  for (const char* x : {"0", "1"}) {
    for (const char* y : {"0", "1"}) {
      session.setAction("x", x);
      session.setAction("y", y);
      auto q = session.query(levels);
      auto e = session.explain(levels);
      ASSERT_TRUE(q && e);
      EXPECT_EQ(*q, e->value);
    }
  }
}

TEST_F(ExplainTest, LongKeysAreShortenedInText) {
  std::string key = "fake-hex:" + std::string(200, 'a');
  session.addAssertion("Authorizer: \"POLICY\"\nLicensees: \"" + key + "\"\n", Trust::Trusted);
  ASSERT_TRUE(session.addAuthorizer(key));
  auto e = session.explain(kBool);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->chains.at(0).requester, key);  // data keeps the whole key
  EXPECT_EQ(e->text().find(std::string(100, 'a')), std::string::npos);
}

}  // namespace
}  // namespace keynote::testing
