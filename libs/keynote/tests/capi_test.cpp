// The keynote(3) C API, exercised from C++ through keynote.h alone.

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "keynote/keynote.h"

namespace {

// keynote(3) takes char*; tests keep their strings here.
struct Text {
  explicit Text(std::string s) : value(std::move(s)) {}
  char* c() { return value.data(); }
  int len() const { return static_cast<int>(value.size()); }
  std::string value;
};

class CApi : public ::testing::Test {
 protected:
  void SetUp() override {
    sid = kn_init();
    ASSERT_GE(sid, 0);
    ASSERT_EQ(keynote_errno, 0);
  }
  void TearDown() override { kn_close(sid); }

  int add(const std::string& assertion, int flags) {
    Text t(assertion);
    return kn_add_assertion(sid, t.c(), t.len(), flags);
  }
  int action(const char* name, const char* value, int flags = 0) {
    Text n(name), v(value);
    return kn_add_action(sid, n.c(), v.c(), flags);
  }
  int authorizer(const char* p) {
    Text t(p);
    return kn_add_authorizer(sid, t.c());
  }
  int query() {
    char f[] = "false";
    char t[] = "true";
    char* values[] = {f, t};
    return kn_do_query(sid, values, 2);
  }

  int sid = -1;
};

TEST_F(CApi, PolicyQuery) {
  EXPECT_EQ(add("Authorizer: \"POLICY\"\nLicensees: \"alice\"\n"
                "Conditions: app_domain == \"XMPP\";\n",
                ASSERT_FLAG_LOCAL),
            0);
  EXPECT_EQ(action("app_domain", "XMPP"), 0);
  EXPECT_EQ(authorizer("alice"), 0);
  EXPECT_EQ(query(), 1);
  EXPECT_EQ(keynote_errno, 0);
  EXPECT_EQ(action("app_domain", "ERP"), 0);  // a new value replaces the old
  EXPECT_EQ(query(), 0);
  // NULL values reuse those of the previous query.
  EXPECT_EQ(kn_do_query(sid, nullptr, 0), 0);
}

TEST_F(CApi, AssertionIdsCountUpAndRemove) {
  EXPECT_EQ(add("Authorizer: \"POLICY\"\n", ASSERT_FLAG_LOCAL), 0);
  EXPECT_EQ(add("Authorizer: \"POLICY\"\n", ASSERT_FLAG_LOCAL), 1);
  EXPECT_EQ(kn_remove_assertion(sid, 0), 0);
  EXPECT_EQ(kn_remove_assertion(sid, 0), -1);
  EXPECT_EQ(keynote_errno, ERROR_NOTFOUND);
  EXPECT_EQ(add("Authorizer: \"POLICY\"\n", ASSERT_FLAG_LOCAL), 2);
}

TEST_F(CApi, Errors) {
  EXPECT_EQ(add("Authorizer: \"POLICY\"\nNonsense: 1\n", ASSERT_FLAG_LOCAL), -1);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
  EXPECT_EQ(kn_add_assertion(sid, nullptr, 0, 0), -1);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
  EXPECT_EQ(action("_reserved", "1"), -1);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
  Text missing("missing");
  EXPECT_EQ(kn_remove_action(sid, missing.c()), -1);
  EXPECT_EQ(keynote_errno, ERROR_NOTFOUND);
  EXPECT_EQ(query(), -1);  // no authorizer
  EXPECT_EQ(keynote_errno, ERROR_NOTFOUND);
  EXPECT_EQ(kn_add_assertion(sid + 1000, missing.c(), missing.len(), 0), -1);
  EXPECT_EQ(keynote_errno, ERROR_NOTFOUND);
  EXPECT_EQ(kn_close(sid + 1000), -1);
  EXPECT_EQ(keynote_errno, ERROR_NOTFOUND);
}

TEST_F(CApi, GetFailedLikeKeynoteVerify) {
  EXPECT_EQ(add("Authorizer: \"POLICY\"\nLicensees: \"rsa-hex:00\"\n", ASSERT_FLAG_LOCAL), 0);
  EXPECT_EQ(add("Authorizer: \"POLICY\"\nConditions: a == ;\n", ASSERT_FLAG_LOCAL), 1);
  EXPECT_EQ(add("Authorizer: \"alice\"\nLicensees: \"bob\"\n", 0), 2);
  EXPECT_EQ(add("Authorizer: \"POLICY\"\nLicensees: \"alice\"\n", ASSERT_FLAG_LOCAL), 3);
  EXPECT_EQ(authorizer("bob"), 0);
  EXPECT_EQ(query(), 0);
  EXPECT_EQ(kn_get_failed(sid, KEYNOTE_ERROR_SYNTAX, 0), 1);
  EXPECT_EQ(kn_get_failed(sid, KEYNOTE_ERROR_SYNTAX, 1), -1);
  EXPECT_EQ(kn_get_failed(sid, KEYNOTE_ERROR_SIGNATURE, 0), 2);
  EXPECT_EQ(kn_get_failed(sid, KEYNOTE_ERROR_ANY, 0), 1);
  EXPECT_EQ(kn_get_failed(sid, KEYNOTE_ERROR_ANY, 1), 2);
  EXPECT_EQ(kn_get_failed(sid, KEYNOTE_ERROR_MEMORY, 0), -1);
  EXPECT_EQ(keynote_errno, ERROR_NOTFOUND);
  // The keynote verify loop: report and remove until none is left.
  int reported = 0;
  for (int id; (id = kn_get_failed(sid, KEYNOTE_ERROR_ANY, 0)) != -1; ++reported) {
    kn_remove_assertion(sid, id);
  }
  EXPECT_EQ(reported, 2);
}

TEST_F(CApi, AuthorizersAndActionAuthorizers) {
  EXPECT_EQ(add("Authorizer: \"POLICY\"\nConditions: _ACTION_AUTHORIZERS == \"a,b\";\n",
                ASSERT_FLAG_LOCAL),
            0);
  EXPECT_EQ(authorizer("b"), 0);
  EXPECT_EQ(authorizer("a"), 0);
  EXPECT_EQ(query(), 1);
  Text b("b");
  EXPECT_EQ(kn_remove_authorizer(sid, b.c()), 0);
  EXPECT_EQ(kn_remove_authorizer(sid, b.c()), -1);
  EXPECT_EQ(query(), 0);
}

TEST_F(CApi, MalformedKeyAuthorizerIsASyntaxError) {
  EXPECT_EQ(authorizer("rsa-hex:zz"), -1);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
}

char* callbackValue(char* name) {
  static char yes[] = "yes";
  static char empty[] = "";
  if (std::strcmp(name, KEYNOTE_CALLBACK_INITIALIZE) == 0) return empty;
  if (std::strcmp(name, KEYNOTE_CALLBACK_CLEANUP) == 0) return empty;
  return yes;
}

TEST_F(CApi, CallbackAndRegexAttributes) {
  EXPECT_EQ(add("Authorizer: \"POLICY\"\nConditions: computed == \"yes\" && "
                "header_x == \"any\" && header_y == \"any\" && other == \"\";\n",
                ASSERT_FLAG_LOCAL),
            0);
  EXPECT_EQ(authorizer("x"), 0);
  Text name("computed");
  EXPECT_EQ(
      kn_add_action(sid, name.c(), reinterpret_cast<char*>(&callbackValue), ENVIRONMENT_FLAG_FUNC),
      0);
  EXPECT_EQ(action("^header_", "any", ENVIRONMENT_FLAG_REGEX), 0);
  EXPECT_EQ(query(), 1);
  EXPECT_EQ(action("[", "x", ENVIRONMENT_FLAG_REGEX), -1);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
  EXPECT_EQ(kn_remove_action(sid, name.c()), 0);
  EXPECT_EQ(query(), 0);
  EXPECT_EQ(kn_cleanup_action_environment(sid), 0);
  EXPECT_EQ(query(), 0);
}

TEST_F(CApi, GetAuthorizerAndLicensees) {
  EXPECT_EQ(add("Authorizer: \"POLICY\"\nLicensees: \"a\" && (\"b\" || 2-of(\"c\", \"d\"))\n",
                ASSERT_FLAG_LOCAL),
            0);
  int algorithm = -5;
  void* key = kn_get_authorizer(sid, 0, &algorithm);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(algorithm, KEYNOTE_ALGORITHM_NONE);
  EXPECT_STREQ(static_cast<char*>(key), "POLICY");
  struct keynote_keylist* list = kn_get_licensees(sid, 0);
  std::vector<std::string> names;
  for (; list != nullptr; list = list->key_next) {
    names.emplace_back(list->key_stringkey);
    EXPECT_EQ(list->key_alg, KEYNOTE_ALGORITHM_NONE);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(kn_get_authorizer(sid, 99, &algorithm), nullptr);
  EXPECT_EQ(keynote_errno, ERROR_NOTFOUND);
}

TEST(CApiSimple, KnQuery) {
  char p1[] = "Authorizer: \"POLICY\"\nLicensees: \"alice\"\nConditions: op == \"read\";\n";
  char* trusted[] = {p1};
  int trustedlen[] = {static_cast<int>(std::strlen(p1))};
  char alice[] = "alice";
  char* authorizers[] = {alice};
  char no[] = "no";
  char yes[] = "yes";
  char* values[] = {no, yes};
  char opName[] = "op";
  char opValue[] = "read";
  struct environment env {};
  env.env_name = opName;
  env.env_value = opValue;
  EXPECT_EQ(kn_query(&env, values, 2, trusted, trustedlen, 1, nullptr, nullptr, 0, authorizers, 1),
            1);
  char other[] = "write";
  env.env_value = other;
  EXPECT_EQ(kn_query(&env, values, 2, trusted, trustedlen, 1, nullptr, nullptr, 0, authorizers, 1),
            0);
}

TEST(CApiSimple, ReadAsserts) {
  char buffer[] = "Authorizer: \"a\"\n\n\n  \n\nAuthorizer: \"b\"\nLicensees: \"c\"\n";
  int n = -1;
  char** list = kn_read_asserts(buffer, static_cast<int>(std::strlen(buffer)), &n);
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(n, 2);
  EXPECT_STREQ(list[0], "Authorizer: \"a\"\n");
  EXPECT_STREQ(list[1], "Authorizer: \"b\"\nLicensees: \"c\"\n");
  for (int i = 0; i < n; ++i) std::free(list[i]);
  std::free(list);
  EXPECT_EQ(kn_read_asserts(nullptr, 0, &n), nullptr);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
}

TEST(CApiSimple, SessionsAreIndependent) {
  int a = kn_init();
  int b = kn_init();
  ASSERT_NE(a, b);
  char text[] = "Authorizer: \"POLICY\"\n";
  EXPECT_EQ(kn_add_assertion(a, text, static_cast<int>(std::strlen(text)), ASSERT_FLAG_LOCAL), 0);
  EXPECT_EQ(kn_add_assertion(b, text, static_cast<int>(std::strlen(text)), ASSERT_FLAG_LOCAL), 0);
  EXPECT_EQ(kn_close(a), 0);
  EXPECT_EQ(kn_remove_assertion(b, 0), 0);
  EXPECT_EQ(kn_close(b), 0);
}

}  // namespace
