#include "fields.hpp"

#include <string>

#include "text.hpp"

namespace keynote::detail {
namespace {

struct Keyword {
  std::string_view name;
  Field field;
};

// Order matters: an abbreviation matches the first keyword it is a prefix
// of, so `C:` is Conditions and `L:` is Local-Constants ([ref]).
constexpr std::array<Keyword, kFieldCount> kKeywords{{
    {"keynote-version", Field::Version},
    {"local-constants", Field::LocalConstants},
    {"authorizer", Field::Authorizer},
    {"licensees", Field::Licensees},
    {"conditions", Field::Conditions},
    {"signature", Field::Signature},
    {"comment", Field::Comment},
}};

bool matchKeyword(std::string_view name, Field& out) {
  if (name.empty()) return false;
  for (const Keyword& k : kKeywords) {
    if (name.size() <= k.name.size() && equalsIgnoreCase(name, k.name.substr(0, name.size()))) {
      out = k.field;
      return true;
    }
  }
  return false;
}

}  // namespace

const char* fieldName(Field f) {
  switch (f) {
    case Field::Version: return "KeyNote-Version";
    case Field::LocalConstants: return "Local-Constants";
    case Field::Authorizer: return "Authorizer";
    case Field::Licensees: return "Licensees";
    case Field::Conditions: return "Conditions";
    case Field::Signature: return "Signature";
    case Field::Comment: return "Comment";
  }
  return "field";
}

Outcome<FieldLayout> scanFields(std::string_view input, int line, int column) {
  auto fail = [&](std::size_t at, const std::string& message) {
    auto [l, c] = lineColumn(input, at, line, column);
    return Outcome<FieldLayout>(makeError("syntax", message, l, c));
  };

  FieldLayout layout;
  std::size_t start = 0;
  while (start < input.size() && isSpace(input[start])) ++start;
  if (start >= input.size()) return fail(start, "empty assertion");
  if (start != 0 && input[start - 1] != '\n') {
    return fail(start, "a field name must start at the beginning of a line");
  }
  layout.start = start;
  const std::string_view t = input.substr(start);
  const std::size_t n = t.size();
  auto failAt = [&](std::size_t rel, const std::string& message) {
    return fail(start + rel, message);
  };

  bool seenField = false;
  bool finished = false;
  std::size_t i = 0;
  std::size_t assertionEnd = n;
  while (i < n && !finished) {
    if (t[i] == '#') {
      // A comment line at the start of the assertion ([ref]: it counts as a
      // field for the "KeyNote-Version first" rule).
      seenField = true;
      while (i < n && t[i] != '\n') ++i;
      ++i;
      if (i < n && t[i] == '\n') {
        assertionEnd = i;
        break;
      }
      continue;
    }
    const std::size_t nameBegin = i;
    std::size_t colon = nameBegin;
    while (colon < n && t[colon] != ':' && t[colon] != '\n') ++colon;
    if (colon >= n || t[colon] != ':') {
      return failAt(nameBegin, "expected a field name followed by ':', found '" +
                                   std::string(excerpt(t.substr(nameBegin))) + "'");
    }
    const std::string_view name = t.substr(nameBegin, colon - nameBegin);
    Field field = Field::Comment;
    if (!matchKeyword(name, field)) {
      return failAt(nameBegin, "unknown field name '" + std::string(excerpt(name)) + "'");
    }

    // The value runs to a newline followed by something other than blank
    // space or '#', to an empty line (end of assertion) or to the end.
    std::size_t valueEnd = n;
    std::size_t next = n;
    bool endOfAssertion = true;
    for (std::size_t p = colon + 1; p < n; ++p) {
      p = t.find('\n', p);  // memchr: field values run to kilobytes
      if (p == std::string_view::npos) break;
      if (p + 1 >= n) {
        valueEnd = p;
        next = n;
        break;
      }
      const char after = t[p + 1];
      if (after == '\n') {
        valueEnd = p;
        next = n;
        assertionEnd = p + 1;
        break;
      }
      if (!isSpace(after) && after != '#') {
        valueEnd = p;
        next = p + 1;
        endOfAssertion = false;
        break;
      }
    }

    FieldRange& range = layout.fields[static_cast<std::size_t>(field)];
    if (field == Field::Version && seenField) {
      return failAt(nameBegin, "KeyNote-Version must be the first field");
    }
    if (range.present) {
      return failAt(nameBegin, std::string(fieldName(field)) + " appears more than once");
    }
    range.present = true;
    range.keyword = static_cast<std::uint32_t>(nameBegin);
    range.begin = static_cast<std::uint32_t>(colon + 1);
    range.end = static_cast<std::uint32_t>(valueEnd);
    seenField = true;
    if (field == Field::Signature && !endOfAssertion) {
      return failAt(next, "Signature must be the last field of an assertion");
    }
    if (endOfAssertion) finished = true;
    i = next;
  }
  if (!layout[Field::Authorizer].present) {
    return failAt(0, "the Authorizer field is missing");
  }
  layout.end = start + assertionEnd;
  return layout;
}

}  // namespace keynote::detail
