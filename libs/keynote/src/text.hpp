#pragma once
// Small text helpers shared by the lexer, the field scanner and the parser.

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace keynote::detail {

// isspace() of the C locale, without the locale and the int conversion.
inline bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
inline bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
inline bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool isIdentChar(char c) {
  return isIdentStart(c) || isDigit(c);
}

inline char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

// 1-based line and column of `offset` in `text`, counted from (line, column)
// of text[0].
inline std::pair<int, int> lineColumn(std::string_view text, std::size_t offset, int line = 1,
                                      int column = 1) {
  if (offset > text.size()) offset = text.size();
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// Joins pieces into one string. (Also sidesteps GCC 12's false -Wrestrict
// warnings on chains of `"literal" + std::string` at -O3.)
inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out.append(p);
  return out;
}

// A short, printable excerpt of untrusted text for error messages.
inline std::string_view excerpt(std::string_view text, std::size_t max = 40) {
  std::size_t n = 0;
  while (n < text.size() && n < max && text[n] != '\n' && text[n] != '\r') ++n;
  return text.substr(0, n);
}

}  // namespace keynote::detail
