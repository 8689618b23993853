#pragma once
// Helpers shared by the language tests.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "fake_crypto.hpp"
#include "keynote/keynote.hpp"

namespace keynote::testing {

// The value a POLICY assertion with these Conditions (and no Licensees field,
// so it licenses anyone) gives for a query with `attributes`, or
// "error: ..." when the assertion does not parse.
inline std::string conditionsValue(const std::string& conditions,
                                   const std::map<std::string, std::string>& attributes = {},
                                   const std::vector<std::string_view>& values = {"false", "true"},
                                   const std::string& localConstants = "") {
  std::string text = "Authorizer: \"POLICY\"\n";
  if (!localConstants.empty()) text = "Local-Constants: " + localConstants + "\n" + text;
  text += "Conditions: " + conditions + "\n";
  auto parsed = parseAssertion(text);
  if (!parsed) return "error: " + parsed.error().describe();
  static FakeCrypto crypto;
  Session s(crypto);
  if (!s.addAssertion(text, Trust::Trusted)) return "error: not added";
  for (const auto& [k, v] : attributes) {
    if (!s.setAction(k, v)) return "error: bad attribute " + k;
  }
  (void)s.addAuthorizer("requester");
  auto r = s.query(std::span<const std::string_view>(values));
  if (!r) return "error: " + r.error().describe();
  return std::string(values[*r]);
}

inline bool isTrue(const std::string& conditions,
                   const std::map<std::string, std::string>& attributes = {}) {
  std::string v = conditionsValue(conditions, attributes);
  EXPECT_TRUE(v == "true" || v == "false") << conditions << " -> " << v;
  return v == "true";
}

// The syntax error of an assertion with these Conditions ("" when it parses).
inline std::string conditionsError(const std::string& conditions) {
  auto parsed = parseAssertion("Authorizer: \"POLICY\"\nConditions: " + conditions + "\n");
  if (parsed) return "";
  return parsed.error().describe();
}

}  // namespace keynote::testing
