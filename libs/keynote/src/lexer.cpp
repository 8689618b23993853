#include "lexer.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <system_error>

#include "keynote/assertion.hpp"
#include "text.hpp"

namespace keynote::detail {

const char* tokenName(Tok t) {
  switch (t) {
    case Tok::End: return "end of field";
    case Tok::Error: return "invalid token";
    case Tok::String: return "string";
    case Tok::Int: return "integer";
    case Tok::Float: return "float";
    case Tok::Ident: return "name";
    case Tok::KOf: return "K-of";
    case Tok::True: return "'true'";
    case Tok::False: return "'false'";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::LBrace: return "'{'";
    case Tok::RBrace: return "'}'";
    case Tok::Semicolon: return "';'";
    case Tok::Comma: return "','";
    case Tok::Assign: return "'='";
    case Tok::Eq: return "'=='";
    case Tok::Ne: return "'!='";
    case Tok::Lt: return "'<'";
    case Tok::Gt: return "'>'";
    case Tok::Le: return "'<='";
    case Tok::Ge: return "'>='";
    case Tok::Match: return "'~='";
    case Tok::AndAnd: return "'&&'";
    case Tok::OrOr: return "'||'";
    case Tok::Not: return "'!'";
    case Tok::Plus: return "'+'";
    case Tok::Minus: return "'-'";
    case Tok::Star: return "'*'";
    case Tok::Slash: return "'/'";
    case Tok::Percent: return "'%'";
    case Tok::Caret: return "'^'";
    case Tok::Dot: return "'.'";
    case Tok::Dollar: return "'$'";
    case Tok::At: return "'@'";
    case Tok::Amp: return "'&'";
    case Tok::Arrow: return "'->'";
  }
  return "token";
}

Token Lexer::make(Tok kind, std::uint32_t begin) const {
  Token t;
  t.kind = kind;
  t.begin = begin;
  t.end = pos_;
  return t;
}

Token Lexer::error(std::uint32_t at, std::string message) const {
  Token t;
  t.kind = Tok::Error;
  t.begin = at;
  t.end = at;
  t.text = std::move(message);
  return t;
}

void Lexer::skipBlanksAndComments() {
  while (pos_ < end_) {
    char c = text_[pos_];
    if (isSpace(c)) {
      ++pos_;
    } else if (c == '#') {
      // A comment runs to the end of the line, outside string literals.
      while (pos_ < end_ && text_[pos_] != '\n') ++pos_;
    } else {
      return;
    }
  }
}

Token Lexer::lexString() {
  const std::uint32_t begin = pos_;
  ++pos_;  // opening quote
  const std::uint32_t bodyBegin = pos_;
  while (true) {
    // Skip ordinary bytes quickly: literals holding keys run to kilobytes.
    // Find the next quote, then look for a backslash or newline before it.
    const std::string_view rest = text_.substr(pos_, end_ - pos_);
    std::size_t stop = rest.find('"');
    if (stop == std::string_view::npos) stop = rest.size();
    const std::string_view run = rest.substr(0, stop);
    stop = std::min({stop, run.find('\\'), run.find('\n')});
    pos_ += static_cast<std::uint32_t>(stop);
    if (pos_ >= end_) return error(begin, "unterminated string literal");
    char c = text_[pos_];
    if (c == '"') break;
    if (c == '\n')
      return error(pos_,
                   "line break inside a string literal (use \\ at the end "
                   "of the line to continue it)");
    ++pos_;  // the backslash; the escaped byte (even a quote or a newline) is skipped below
    if (pos_ >= end_) return error(begin, "unterminated string literal");
    if (text_[pos_] == '\r' && pos_ + 1 < end_ && text_[pos_ + 1] == '\n') ++pos_;  // CRLF
    ++pos_;
  }
  std::string_view body = text_.substr(bodyBegin, pos_ - bodyBegin);
  ++pos_;  // closing quote
  Token t = make(Tok::String, begin);
  t.text = unescapeString(body);
  return t;
}

Token Lexer::lexNumber() {
  const std::uint32_t begin = pos_;
  while (pos_ < end_ && isDigit(text_[pos_])) ++pos_;
  const std::uint32_t digitsEnd = pos_;
  bool isFloat = false;
  if (pos_ + 1 < end_ && text_[pos_] == '.' && isDigit(text_[pos_ + 1])) {
    isFloat = true;
    ++pos_;
    while (pos_ < end_ && isDigit(text_[pos_])) ++pos_;
  }
  const char* first = text_.data() + begin;
  const char* last = text_.data() + pos_;
  if (isFloat) {
    Token t = make(Tok::Float, begin);
    auto [ptr, ec] = std::from_chars(first, last, t.real);
    if (ec != std::errc() || ptr != last) return error(begin, "float literal out of range");
    return t;
  }
  // "K-of" is one token in Licensees: the digits immediately followed by -of.
  bool kof = mode_ == LexMode::Licensees && pos_ + 3 <= end_ &&
             text_.substr(pos_, 3) == std::string_view("-of");
  Token t = make(kof ? Tok::KOf : Tok::Int, begin);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(first, text_.data() + digitsEnd, value);
  if (ec != std::errc() || ptr != text_.data() + digitsEnd) {
    return error(begin, "integer literal out of range");
  }
  t.integer = value;
  if (kof) {
    pos_ += 3;
    t.end = pos_;
  }
  return t;
}

Token Lexer::next() {
  skipBlanksAndComments();
  if (pos_ >= end_) return make(Tok::End, end_);
  const std::uint32_t begin = pos_;
  const char c = text_[pos_];
  const char d = pos_ + 1 < end_ ? text_[pos_ + 1] : '\0';
  if (c == '"') return lexString();
  if (isDigit(c)) return lexNumber();
  if (isIdentStart(c)) {
    while (pos_ < end_ && isIdentChar(text_[pos_])) ++pos_;
    std::string_view name = text_.substr(begin, pos_ - begin);
    if (mode_ == LexMode::Conditions) {
      if (equalsIgnoreCase(name, "true")) return make(Tok::True, begin);
      if (equalsIgnoreCase(name, "false")) return make(Tok::False, begin);
    }
    Token t = make(Tok::Ident, begin);
    t.text = std::string(name);
    return t;
  }
  auto two = [&](Tok kind) {
    pos_ += 2;
    return make(kind, begin);
  };
  auto one = [&](Tok kind) {
    pos_ += 1;
    return make(kind, begin);
  };
  switch (c) {
    case '(': return one(Tok::LParen);
    case ')': return one(Tok::RParen);
    case '{': return one(Tok::LBrace);
    case '}': return one(Tok::RBrace);
    case ';': return one(Tok::Semicolon);
    case ',': return one(Tok::Comma);
    case '+': return one(Tok::Plus);
    case '*': return one(Tok::Star);
    case '/': return one(Tok::Slash);
    case '%': return one(Tok::Percent);
    case '^': return one(Tok::Caret);
    case '.': return one(Tok::Dot);
    case '$': return one(Tok::Dollar);
    case '@': return one(Tok::At);
    case '=': return d == '=' ? two(Tok::Eq) : one(Tok::Assign);
    case '!': return d == '=' ? two(Tok::Ne) : one(Tok::Not);
    case '<': return d == '=' ? two(Tok::Le) : one(Tok::Lt);
    case '>': return d == '=' ? two(Tok::Ge) : one(Tok::Gt);
    case '~':
      if (d == '=') return two(Tok::Match);
      break;
    case '&': return d == '&' ? two(Tok::AndAnd) : one(Tok::Amp);
    case '|':
      if (d == '|') return two(Tok::OrOr);
      return error(begin, "'|' is not an operator (did you mean '||'?)");
    case '-': return d == '>' ? two(Tok::Arrow) : one(Tok::Minus);
    default: break;
  }
  std::string shown;
  if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f) {
    shown = std::string("'") + c + "'";
  } else {
    static const char* hex = "0123456789abcdef";
    shown = std::string("byte 0x") + hex[(static_cast<unsigned char>(c) >> 4) & 0xf] +
            hex[static_cast<unsigned char>(c) & 0xf];
  }
  return error(begin, "unexpected character " + shown);
}

}  // namespace keynote::detail
