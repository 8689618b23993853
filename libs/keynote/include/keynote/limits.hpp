#pragma once
// Hard limits on everything an assertion, a session or a query can ask of the
// engine. Credentials come from strangers: every input is bounded so that a
// hostile set of assertions is refused or evaluated in bounded time and memory.
// docs/keynote.md ("Limits") explains each value.

#include <cstddef>

namespace keynote {

struct Limits {
  // Bytes of one assertion's text.
  std::size_t maxAssertionBytes = std::size_t{64} * 1024;
  // Nesting depth of an expression tree (parentheses, unary and binary
  // operators, nested `{ }` programs). Long `&&`, `||` and `.` chains are
  // flattened and do not count against it.
  std::size_t maxExpressionDepth = 128;
  // Assertions held by one session.
  std::size_t maxAssertions = 100000;
  // Length of a delegation chain followed from POLICY to a requester.
  std::size_t maxDelegationDepth = 64;
  // Principals in one K-of(...) list, and in one Licensees field.
  std::size_t maxKofPrincipals = 256;
  std::size_t maxLicenseePrincipals = 1024;
  // Bytes of one regular expression, and the RE2 program memory for it.
  std::size_t maxRegexBytes = 2048;
  std::size_t maxRegexMemory = std::size_t{256} * 1024;
  // Bytes of a string built at run time by `.` or `$` (longer: runtime error).
  std::size_t maxStringBytes = std::size_t{64} * 1024;
  // Action attributes and requesting principals in a session, their bytes.
  std::size_t maxAttributes = 4096;
  std::size_t maxAttributeBytes = std::size_t{64} * 1024;
  std::size_t maxAuthorizers = 1024;
  // Compliance values of one query.
  std::size_t maxValues = 1024;
};

}  // namespace keynote
