#include "keynote/environment.hpp"

#include "keynote/assertion.hpp"

namespace keynote {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

Outcome<AttributeAssignments> parseAttributeFile(std::string_view text) {
  AttributeAssignments out;
  std::size_t i = 0;
  int line = 1;
  std::size_t lineStart = 0;
  auto fail = [&](const std::string& message) -> Outcome<AttributeAssignments> {
    return makeError("syntax", message, line, static_cast<int>(i - lineStart) + 1);
  };
  // Errors about a name point at the name, not at what follows it.
  auto failAtName = [&](const std::string& message, int nameLine,
                        int nameColumn) -> Outcome<AttributeAssignments> {
    return makeError("syntax", message, nameLine, nameColumn);
  };
  auto skip = [&] {
    while (i < text.size()) {
      char c = text[i];
      if (c == '\n') {
        ++line;
        lineStart = ++i;
      } else if (isSpace(c)) {
        ++i;
      } else if (c == '#') {
        while (i < text.size() && text[i] != '\n') ++i;
      } else {
        return;
      }
    }
  };
  while (true) {
    skip();
    if (i >= text.size()) break;
    if (!isAlnum(text[i])) return fail("expected an attribute name");
    const std::size_t nameBegin = i;
    const int nameLine = line;
    const int nameColumn = static_cast<int>(i - lineStart) + 1;
    while (i < text.size() && (isAlnum(text[i]) || text[i] == '_')) ++i;
    std::string name(text.substr(nameBegin, i - nameBegin));
    skip();
    if (i >= text.size() || text[i] != '=') {
      return failAtName("expected '=' after '" + name + "'", nameLine, nameColumn);
    }
    ++i;
    skip();
    if (i >= text.size() || text[i] != '"') {
      return failAtName("expected a quoted value for '" + name + "'", nameLine, nameColumn);
    }
    const std::size_t bodyBegin = ++i;
    while (i < text.size() && text[i] != '"') {
      if (text[i] == '\n') return fail("line break inside the value of '" + name + "'");
      if (text[i] == '\\' && i + 1 < text.size()) {
        if (text[i + 1] == '\n') {
          ++line;
          lineStart = i + 2;
        }
        ++i;
      }
      ++i;
    }
    if (i >= text.size()) return fail("unterminated value of '" + name + "'");
    out.emplace_back(std::move(name), unescapeString(text.substr(bodyBegin, i - bodyBegin)));
    ++i;
  }
  return out;
}

}  // namespace keynote
