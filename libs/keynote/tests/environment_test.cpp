// Action attribute files (keynote verify -e).

#include "keynote/environment.hpp"

#include <gtest/gtest.h>

namespace keynote {
namespace {

TEST(AttributeFile, AssignmentsCommentsAndEscapes) {
  auto r = parseAttributeFile(
      "# request facts\n"
      "app_domain = \"XMPP\" Server_IP_Address=\"192.168.40.55\"  # two on a line\n"
      "\n"
      "note = \"tab\\there \\\"quoted\\\" \\101\"\n"
      "2fa = \"yes\"\n");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 4U);
  EXPECT_EQ((*r)[0], (std::pair<std::string, std::string>{"app_domain", "XMPP"}));
  EXPECT_EQ((*r)[1].second, "192.168.40.55");
  EXPECT_EQ((*r)[2].second, "tab\there \"quoted\" A");
  EXPECT_EQ((*r)[3].first, "2fa");
}

TEST(AttributeFile, ValuesMayContinueOverLines) {
  auto r = parseAttributeFile("key = \"abc\\\n     def\"\n");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].second, "abcdef");
}

TEST(AttributeFile, ErrorsHaveLineAndColumn) {
  auto missingEq = parseAttributeFile("a = \"1\"\nb \"2\"\n");
  ASSERT_FALSE(missingEq);
  EXPECT_EQ(missingEq.error().line, 2);
  EXPECT_EQ(missingEq.error().column, 1);  // at the name
  auto atEnd = parseAttributeFile("a = \"1\"\noops\n");
  ASSERT_FALSE(atEnd);
  EXPECT_EQ(atEnd.error().line, 2);
  EXPECT_NE(missingEq.error().message.find("expected '='"), std::string::npos);
  EXPECT_FALSE(parseAttributeFile("a = 1\n"));
  EXPECT_FALSE(parseAttributeFile("a = \"1\nb\"\n"));
  EXPECT_FALSE(parseAttributeFile("a = \"1"));
  EXPECT_FALSE(parseAttributeFile("_a = \"1\"\n"));  // names start with a letter or digit
  EXPECT_FALSE(parseAttributeFile("a = \"1\" garbage!\n"));
  auto empty = parseAttributeFile("  # nothing\n\n");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace keynote
