#pragma once
// The lexer of field values (RFC 2704 section 4.3): string literals with
// their escapes, numbers, names, operators and `#` comments. It works on one
// field of an assertion at a time; token offsets index the assertion text.

#include <cstdint>
#include <string>
#include <string_view>

namespace keynote::detail {

enum class Tok : std::uint8_t {
  End,
  Error,
  String,  // text holds the unescaped value
  Int,     // integer holds the value
  Float,   // real holds the value
  Ident,   // text holds the name
  KOf,     // "K-of" in Licensees; integer holds K
  True,
  False,
  LParen,
  RParen,
  LBrace,
  RBrace,
  Semicolon,
  Comma,
  Assign,  // =
  Eq,      // ==
  Ne,      // !=
  Lt,
  Gt,
  Le,
  Ge,
  Match,  // ~=
  AndAnd,
  OrOr,
  Not,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Caret,
  Dot,
  Dollar,
  At,
  Amp,
  Arrow,  // ->
};

const char* tokenName(Tok t);

struct Token {
  Tok kind = Tok::End;
  std::uint32_t begin = 0;  // offset of the first byte in the assertion text
  std::uint32_t end = 0;
  std::string text;  // String: unescaped value; Ident: the name; Error: message
  std::int64_t integer = 0;
  double real = 0.0;
};

enum class LexMode : std::uint8_t {
  Principal,   // Authorizer, Signature, Local-Constants, KeyNote-Version
  Licensees,   // adds "K-of"
  Conditions,  // adds the keywords true and false
};

class Lexer {
 public:
  // Tokens of text[begin, end).
  Lexer(std::string_view text, std::uint32_t begin, std::uint32_t end, LexMode mode)
      : text_(text), pos_(begin), end_(end), mode_(mode) {}

  Token next();

 private:
  Token make(Tok kind, std::uint32_t begin) const;
  Token error(std::uint32_t at, std::string message) const;
  Token lexString();
  Token lexNumber();
  void skipBlanksAndComments();

  std::string_view text_;
  std::uint32_t pos_;
  std::uint32_t end_;
  LexMode mode_;
};

}  // namespace keynote::detail
