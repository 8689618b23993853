#pragma once
// Parsing KeyNote assertions (RFC 2704 section 4).
//
//   auto parsed = keynote::parse(text);            // every assertion in text
//   if (!parsed) std::cerr << parsed.error().describe();   // "3:14: syntax: ..."
//
// parse() and parseAssertion() are strict: any error anywhere in an assertion
// is returned with its line and column. Sessions use parseAssertionLenient(),
// which, like the classic implementation, keeps an assertion whose field
// layout is sound but whose Authorizer, Licensees, Conditions or Signature is
// malformed: it then grants nothing and is reported as failed ("syntax or
// semantic error") by every query.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keynote/ast.hpp"
#include "keynote/error.hpp"
#include "keynote/limits.hpp"

namespace keynote {

struct Assertion {
  // The assertion's text, from its first non-blank byte to its end (a blank
  // line or the end of the input). Spans index into it.
  std::string text;
  // Where `text` starts in the input given to the parser (1-based), so that
  // errors and explanations point into the caller's file.
  int firstLine = 1;
  int firstColumn = 1;

  // Local-Constants, in order of definition (names never start with '_').
  std::vector<std::pair<std::string, std::string>> localConstants;

  // Authorizer principal as written after Local-Constants substitution.
  std::string authorizer;
  Span authorizerSpan;

  // Licensees: absent field = anyone (_MAX_TRUST); present but empty =
  // nobody (_MIN_TRUST).
  bool hasLicensees = false;
  std::vector<std::string> principals;  // every principal named, in order
  std::vector<LicenseeNode> licensees;  // tree; root is the last node
  Span licenseesSpan;

  // Conditions: absent field = _MAX_TRUST; empty = _MIN_TRUST.
  bool hasConditions = false;
  Program conditions;
  Span conditionsSpan;

  bool hasComment = false;

  // Signature: the value (e.g. "sig-rsa-sha1-hex:3f5a..."), the algorithm
  // name with its colon as written, and the signed region of `text`: from
  // its first byte to the Signature keyword (RFC 2704 4.6.7 as the classic
  // implementation computes it; the algorithm name is appended to these bytes
  // when hashing).
  bool hasSignature = false;
  std::string signature;
  std::string signatureAlgorithm;
  std::uint32_t signedEnd = 0;
  Span signatureSpan;

  // Set when the field layout is sound but a field's contents are not
  // (parseAssertionLenient only): the assertion grants nothing.
  std::optional<Error> error;

  [[nodiscard]] std::string_view signedRegion() const {
    return std::string_view(text).substr(0, signedEnd);
  }
  // 1-based line and column in the caller's input of a byte offset in `text`.
  [[nodiscard]] std::pair<int, int> position(std::uint32_t offset) const;
};

// One assertion (text may hold leading blank lines; text after the
// assertion's terminating blank line is ignored, as keynote(1) does).
Outcome<Assertion> parseAssertion(std::string_view text, const Limits& limits = {});
Outcome<Assertion> parseAssertionLenient(std::string_view text, const Limits& limits = {});

// Every assertion in `text`, separated by blank lines (kn_read_asserts rules).
Outcome<std::vector<Assertion>> parse(std::string_view text, const Limits& limits = {});

// The pieces of `text` that kn_read_asserts(3) would return: assertion texts
// separated by empty lines, whitespace-only pieces dropped. Offsets are the
// byte positions of the pieces in `text`.
struct TextPiece {
  std::string_view text;
  std::size_t offset = 0;
};
std::vector<TextPiece> splitAssertions(std::string_view text);

// Undo the escapes of a KeyNote string literal body (without its quotes):
// \n \r \t \f, octal \ooo (NUL cannot be produced), backslash-newline skipping
// the following whitespace, and \c for any other c. Used for literals, the
// values of action attribute files and key files.
std::string unescapeString(std::string_view body);

}  // namespace keynote
