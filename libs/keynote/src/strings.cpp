// String literal escapes (RFC 2704 section 4.3, as the classic lexer applies
// them): the only file that knows them, shared by literals, attribute files
// and key files.

#include <string>
#include <string_view>

#include "keynote/assertion.hpp"
#include "text.hpp"

namespace keynote {

std::string unescapeString(std::string_view body) {
  // Most literals (keys, names, values) have no escapes at all.
  if (body.find('\\') == std::string_view::npos) return std::string(body);
  std::string out;
  out.reserve(body.size());
  std::size_t i = 0;
  const std::size_t n = body.size();
  while (i < n) {
    char c = body[i++];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i >= n) break;  // a lone trailing backslash escapes nothing
    char d = body[i];
    if (d == '\n' || (d == '\r' && i + 1 < n && body[i + 1] == '\n')) {
      // Backslash-newline continues the literal on the next line and swallows
      // the indentation there.
      while (i < n && detail::isSpace(body[i])) ++i;
      continue;
    }
    if (d >= '0' && d <= '7') {
      unsigned value = 0;
      std::size_t j = i;
      while (j < n && j < i + 3 && body[j] >= '0' && body[j] <= '7') {
        value = value * 8 + static_cast<unsigned>(body[j] - '0');
        ++j;
      }
      value &= 0xffU;
      if (value == 0) {
        // NUL cannot be produced: the classic lexer keeps the digit itself.
        out.push_back(d);
        ++i;
      } else {
        out.push_back(static_cast<char>(value));
        i = j;
      }
      continue;
    }
    ++i;
    switch (d) {
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'f': out.push_back('\f'); break;
      default: out.push_back(d); break;
    }
  }
  return out;
}

}  // namespace keynote
