// Finding the Signature field and the signed bytes with the classic
// field-splitting rules (the reference's parse_assertion.c, RFC 2704 4.6.7),
// plus the quoted-string layout keynote(1) uses for keys and signatures.

#include <array>
#include <string>
#include <string_view>

#include "crypto/names.hpp"
#include "keynote/keys.hpp"

namespace keynote {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// 1-based line and column of `offset`.
Error errorAt(std::string_view text, std::size_t offset, std::string code, std::string message) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return makeError(std::move(code), std::move(message), line, column);
}

enum class Field { Version, LocalConstants, Authorizer, Licensees, Conditions, Signature, Comment };

// The reference accepts any case-insensitive prefix of a field name
// ("Licensee", "C"), checking the names in this order.
std::optional<Field> classify(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Field>, 7> kNames{{
      {"keynote-version", Field::Version},
      {"local-constants", Field::LocalConstants},
      {"authorizer", Field::Authorizer},
      {"licensees", Field::Licensees},
      {"conditions", Field::Conditions},
      {"signature", Field::Signature},
      {"comment", Field::Comment},
  }};
  if (name.empty()) return std::nullopt;
  for (const auto& [full, field] : kNames) {
    if (name.size() <= full.size() && crypto::startsWithNoCase(full, name)) return field;
  }
  return std::nullopt;
}

}  // namespace

Outcome<SignatureField> findSignatureField(std::string_view text) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n && isSpace(text[i])) ++i;
  if (i >= n) return errorAt(text, i, "syntax", "empty assertion");
  if (i != 0 && text[i - 1] != '\n') {
    return errorAt(text, i, "syntax", "the first field must start at the beginning of a line");
  }
  SignatureField found;
  found.start = i;
  while (i < n) {
    const std::size_t ks = i;
    if (text[i] == '#') {  // comment line before or between fields
      const std::size_t nl = text.find('\n', i);
      i = nl == std::string_view::npos ? n : nl + 1;
      continue;
    }
    const std::size_t colon = text.find(':', i);
    if (colon == std::string_view::npos) {
      return errorAt(text, ks, "syntax", "field name without ':'");
    }
    // The field ends at the end of the text, at a blank line (end of the
    // assertion), or at a newline followed by neither whitespace nor '#'.
    std::size_t te = n;
    bool endOfAssertion = true;
    for (std::size_t j = colon + 1; j < n; ++j) {
      if (text[j] != '\n') continue;
      if (j + 1 < n && text[j + 1] == '\n') {
        te = j;
        break;
      }
      if (j + 1 >= n || (!isSpace(text[j + 1]) && text[j + 1] != '#')) {
        te = j;
        endOfAssertion = j + 1 >= n;
        break;
      }
    }
    const std::string_view name = text.substr(ks, colon - ks);
    const auto field = classify(name);
    if (!field) {
      return errorAt(text, ks, "syntax",
                     "unknown field name '" + std::string(name.substr(0, 40)) + "'");
    }
    if (*field == Field::Signature) {
      if (!endOfAssertion) {
        return errorAt(text, te + 1, "syntax", "the Signature field must be the last field");
      }
      found.keyword = ks;
      found.valueBegin = colon + 1;
      found.valueEnd = te;
      return found;
    }
    if (endOfAssertion) break;
    i = te + 1;
  }
  return errorAt(text, i, "no-signature",
                 "assertion has no Signature field (add an empty `Signature:` line to sign it)");
}

Outcome<std::string> signedBytesOf(std::string_view assertionText,
                                   std::string_view signatureAlgorithm) {
  auto field = findSignatureField(assertionText);
  if (!field) return field.error();
  std::string out(assertionText.substr(field->start, field->keyword - field->start));
  out.append(signatureAlgorithm);
  if (signatureAlgorithm.empty() || signatureAlgorithm.back() != ':') out.push_back(':');
  return out;
}

Outcome<std::string> parseQuotedKey(std::string_view fileText) {
  std::size_t b = 0;
  std::size_t e = fileText.size();
  while (b < e && isSpace(fileText[b])) ++b;
  while (e > b && isSpace(fileText[e - 1])) --e;
  const std::string_view text = fileText.substr(b, e - b);
  if (text.size() > 4 * kMaxKeyTextLength) return makeError("limit", "key file too large");
  if (text.empty()) return makeError("syntax", "no key in the file");
  if (text.front() != '"') {
    for (char c : text) {
      if (isSpace(c)) return makeError("syntax", "unquoted key contains whitespace");
    }
    return std::string(text);
  }
  std::string out;
  std::size_t i = 1;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      if (i + 1 != text.size()) {
        return errorAt(text, i + 1, "syntax", "text after the closing quote");
      }
      return out;
    }
    if (c == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      if (next == '\n' || (next == '\r' && i + 2 < text.size() && text[i + 2] == '\n')) {
        i += next == '\n' ? 2 : 3;
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        continue;
      }
      out.push_back(next);
      i += 2;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return errorAt(text, text.size(), "syntax", "missing closing quote");
}

std::string formatQuoted(std::string_view prefix, std::string_view value, int offset,
                         int lineLength) {
  const std::string indent(static_cast<std::size_t>(offset > 0 ? offset : 0), ' ');
  std::string out = indent + "\"" + std::string(prefix);
  // Column accounting as keynote(1): the opening quote and the prefix count
  // towards the first line, and each line ends with a `\` when it is full.
  long k = static_cast<long>(prefix.size()) + 2;
  for (std::size_t i = 0; i < value.size(); ++k) {
    if (k == lineLength) {
      out += "\\\n";
      out += indent;
      k = 0;
      continue;
    }
    out.push_back(value[i]);
    ++i;
  }
  out += "\"\n";
  return out;
}

}  // namespace keynote
