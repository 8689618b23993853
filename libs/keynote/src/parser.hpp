#pragma once
// The recursive-descent parser of field values. One FieldParser reads one
// field of an assertion; the first error stops it and is kept with its
// position. parser.cpp handles KeyNote-Version, Local-Constants, principals
// and Licensees; conditions.cpp handles Conditions.

#include <cstdint>
#include <optional>
#include <string>

#include "keynote/assertion.hpp"
#include "lexer.hpp"

namespace keynote::detail {

class FieldParser {
 public:
  FieldParser(Assertion& assertion, std::uint32_t begin, std::uint32_t end, LexMode mode,
              const Limits& limits)
      : assertion_(assertion), limits_(limits), lexer_(assertion.text, begin, end, mode) {
    advance();
  }

  [[nodiscard]] const Token& peek() const { return token_; }
  void advance() {
    token_ = lexer_.next();
    if (token_.kind == Tok::Error) fail(token_.begin, token_.text);
  }
  bool accept(Tok kind) {
    if (token_.kind != kind) return false;
    advance();
    return true;
  }
  bool expect(Tok kind, const char* what);
  // Reports "expected <what>, found <token>" at the current token.
  void unexpected(const char* what);

  [[nodiscard]] bool ok() const { return !error_.has_value(); }
  void fail(std::uint32_t at, const std::string& message, const char* code = "syntax");
  [[nodiscard]] const std::optional<Error>& error() const { return error_; }

  // Recursion guard for nesting (parentheses, unary operators, blocks).
  bool enter(std::uint32_t at);
  void leave() { --depth_; }

  Assertion& assertion() { return assertion_; }
  [[nodiscard]] const Limits& limits() const { return limits_; }

 private:
  Assertion& assertion_;
  const Limits& limits_;
  Lexer lexer_;
  Token token_;
  std::optional<Error> error_;
  std::size_t depth_ = 0;
};

// A principal (Authorizer, Signature value, Licensees leaf): string literals
// and Local-Constants names, possibly joined by `.`; its value is known at
// parse time.
std::string parsePrincipalExpression(FieldParser& p, std::uint32_t& begin, std::uint32_t& end);

// Conditions (conditions.cpp).
void parseConditions(FieldParser& p, Program& program);

}  // namespace keynote::detail
