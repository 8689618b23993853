// Assertion parsing: fields (fields.cpp), then each field's value.

#include "parser.hpp"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "fields.hpp"
#include "text.hpp"

namespace keynote {

std::pair<int, int> Assertion::position(std::uint32_t offset) const {
  return detail::lineColumn(text, offset, firstLine, firstColumn);
}

namespace detail {

bool FieldParser::expect(Tok kind, const char* what) {
  if (token_.kind == kind) {
    advance();
    return true;
  }
  unexpected(what);
  return false;
}

void FieldParser::unexpected(const char* what) {
  if (!ok()) return;
  std::string found = tokenName(token_.kind);
  if (token_.kind == Tok::Ident) found = "name '" + token_.text + "'";
  if (token_.kind == Tok::String) found = "string \"" + std::string(excerpt(token_.text)) + "\"";
  fail(token_.begin, std::string("expected ") + what + ", found " + found);
}

void FieldParser::fail(std::uint32_t at, const std::string& message, const char* code) {
  if (error_) return;
  auto [line, column] = assertion_.position(at);
  error_ = makeError(code, message, line, column);
}

bool FieldParser::enter(std::uint32_t at) {
  if (++depth_ > limits_.maxExpressionDepth) {
    fail(at,
         "expression nested deeper than " + std::to_string(limits_.maxExpressionDepth) + " levels",
         "limit");
    return false;
  }
  return true;
}

namespace {

const std::string* findConstant(const Assertion& a, std::string_view name) {
  for (const auto& [key, value] : a.localConstants) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string parsePrincipalTerm(FieldParser& p, std::uint32_t& begin, std::uint32_t& end) {
  const Token& t = p.peek();
  begin = t.begin;
  end = t.end;
  if (t.kind == Tok::String) {
    std::string value = t.text;
    p.advance();
    return value;
  }
  if (t.kind == Tok::Ident) {
    const std::string* value = findConstant(p.assertion(), t.text);
    if (value == nullptr) {
      p.fail(t.begin, "'" + t.text +
                          "' is not a Local-Constants name (principals are quoted strings, "
                          "e.g. \"" +
                          t.text + "\", or names defined in Local-Constants)");
      return {};
    }
    std::string copy = *value;
    p.advance();
    return copy;
  }
  if (t.kind == Tok::LParen) {
    if (!p.enter(t.begin)) return {};
    p.advance();
    std::uint32_t b = 0;
    std::string value = parsePrincipalExpression(p, b, end);
    end = p.peek().end;
    p.expect(Tok::RParen, "')'");
    p.leave();
    return value;
  }
  p.unexpected("a principal (a quoted string or a Local-Constants name)");
  return {};
}

// Licensees := Or; Or := And ('||' And)*; And := Primary ('&&' Primary)*;
// Primary := '(' Or ')' | K-of '(' principal (',' principal)* ')' | principal
class LicenseesParser {
 public:
  LicenseesParser(FieldParser& p, Assertion& a) : p_(p), a_(a) {}

  std::uint32_t parseOr() {
    const std::uint32_t begin = p_.peek().begin;
    std::uint32_t first = parseAnd();
    if (!p_.ok() || p_.peek().kind != Tok::OrOr) return first;
    LicenseeNode node;
    node.kind = LicenseeNode::Kind::Or;
    node.children.push_back(first);
    while (p_.ok() && p_.accept(Tok::OrOr)) node.children.push_back(parseAnd());
    return add(std::move(node), begin);
  }

 private:
  std::uint32_t add(LicenseeNode node, std::uint32_t begin) {
    node.span = {begin, lastEnd_};
    a_.licensees.push_back(std::move(node));
    return static_cast<std::uint32_t>(a_.licensees.size() - 1);
  }

  std::uint32_t parseAnd() {
    const std::uint32_t begin = p_.peek().begin;
    std::uint32_t first = parsePrimary();
    if (!p_.ok() || p_.peek().kind != Tok::AndAnd) return first;
    LicenseeNode node;
    node.kind = LicenseeNode::Kind::And;
    node.children.push_back(first);
    while (p_.ok() && p_.accept(Tok::AndAnd)) node.children.push_back(parsePrimary());
    return add(std::move(node), begin);
  }

  std::uint32_t principal() {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    std::string value = parsePrincipalExpression(p_, begin, end);
    if (!p_.ok()) return 0;
    if (a_.principals.size() >= p_.limits().maxLicenseePrincipals) {
      p_.fail(begin,
              "more than " + std::to_string(p_.limits().maxLicenseePrincipals) +
                  " principals in Licensees",
              "limit");
      return 0;
    }
    a_.principals.push_back(std::move(value));
    LicenseeNode node;
    node.kind = LicenseeNode::Kind::Principal;
    node.principal = static_cast<std::uint32_t>(a_.principals.size() - 1);
    lastEnd_ = end;
    return add(std::move(node), begin);
  }

  std::uint32_t parsePrimary() {
    if (!p_.ok()) return 0;
    const Token& t = p_.peek();
    const std::uint32_t begin = t.begin;
    if (t.kind == Tok::LParen) {
      if (!p_.enter(begin)) return 0;
      p_.advance();
      std::uint32_t inner = parseOr();
      lastEnd_ = p_.peek().end;
      p_.expect(Tok::RParen, "')' closing the group");
      p_.leave();
      return inner;
    }
    if (t.kind == Tok::KOf) {
      const std::int64_t k = t.integer;
      if (k < 1) {
        p_.fail(begin, "K in K-of(...) must be at least 1");
        return 0;
      }
      p_.advance();
      if (!p_.expect(Tok::LParen, "'(' after K-of")) return 0;
      LicenseeNode node;
      node.kind = LicenseeNode::Kind::KOf;
      node.children.push_back(principal());
      while (p_.ok() && p_.accept(Tok::Comma)) {
        if (node.children.size() >= p_.limits().maxKofPrincipals) {
          p_.fail(p_.peek().begin,
                  "more than " + std::to_string(p_.limits().maxKofPrincipals) +
                      " principals in a K-of list",
                  "limit");
          return 0;
        }
        node.children.push_back(principal());
      }
      if (!p_.ok()) return 0;
      lastEnd_ = p_.peek().end;
      if (!p_.expect(Tok::RParen, "',' or ')' in the K-of list")) return 0;
      if (static_cast<std::uint64_t>(k) > node.children.size()) {
        p_.fail(begin, std::to_string(k) + "-of needs at least " + std::to_string(k) +
                           " principals, the list has " + std::to_string(node.children.size()));
        return 0;
      }
      node.k = static_cast<std::uint32_t>(k);
      return add(std::move(node), begin);
    }
    return principal();
  }

  FieldParser& p_;
  Assertion& a_;
  std::uint32_t lastEnd_ = 0;
};

void parseVersion(FieldParser& p) {
  const Token& t = p.peek();
  bool good = (t.kind == Tok::Int && t.integer == 2) || (t.kind == Tok::String && t.text == "2");
  if (!good) {
    if (p.ok()) p.fail(t.begin, "unsupported KeyNote-Version (only version 2 is defined)");
    return;
  }
  p.advance();
  if (p.ok() && p.peek().kind != Tok::End) p.unexpected("end of the KeyNote-Version field");
}

void parseLocalConstants(FieldParser& p) {
  Assertion& a = p.assertion();
  while (p.ok() && p.peek().kind != Tok::End) {
    const Token name = p.peek();
    if (name.kind != Tok::Ident) {
      p.unexpected("a name of the form Name = \"value\"");
      return;
    }
    if (name.text[0] == '_') {
      p.fail(name.begin, "Local-Constants names may not start with '_' ('" + name.text + "')");
      return;
    }
    if (equalsIgnoreCase(name.text, "true") || equalsIgnoreCase(name.text, "false")) {
      p.fail(name.begin, "'" + name.text + "' is a keyword and cannot be a Local-Constants name");
      return;
    }
    if (findConstant(a, name.text) != nullptr) {
      p.fail(name.begin, "Local-Constants name '" + name.text + "' is defined twice");
      return;
    }
    p.advance();
    if (!p.expect(Tok::Assign, "'=' after the Local-Constants name")) return;
    if (p.peek().kind != Tok::String) {
      p.unexpected("a quoted string value");
      return;
    }
    a.localConstants.emplace_back(name.text, p.peek().text);
    p.advance();
  }
}

void parseAuthorizer(FieldParser& p) {
  Assertion& a = p.assertion();
  if (p.peek().kind == Tok::End) {
    p.fail(p.peek().begin, "the Authorizer field is empty");
    return;
  }
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  a.authorizer = parsePrincipalExpression(p, begin, end);
  a.authorizerSpan = {begin, end};
  if (p.ok() && p.peek().kind != Tok::End)
    p.unexpected("end of the Authorizer field (one principal)");
}

void parseLicensees(FieldParser& p) {
  Assertion& a = p.assertion();
  if (p.peek().kind == Tok::End) return;  // empty: nobody
  LicenseesParser lp(p, a);
  lp.parseOr();
  if (p.ok() && p.peek().kind != Tok::End) p.unexpected("'&&', '||' or end of Licensees");
}

void parseSignature(FieldParser& p) {
  Assertion& a = p.assertion();
  if (p.peek().kind == Tok::End) return;  // empty: unsigned (to be signed)
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  a.signature = parsePrincipalExpression(p, begin, end);
  a.signatureSpan = {begin, end};
  if (!p.ok()) return;
  if (p.peek().kind != Tok::End) {
    p.unexpected("end of the Signature field");
    return;
  }
  const std::size_t colon = a.signature.find(':');
  if (colon == std::string::npos || colon == 0) {
    p.fail(begin, "the signature has no algorithm name (expected \"sig-ALGORITHM:...\")");
    return;
  }
  a.signatureAlgorithm = a.signature.substr(0, colon + 1);
}

Outcome<Assertion> parseImpl(std::string_view input, const Limits& limits, bool lenient, int line,
                             int column) {
  auto layout = scanFields(input, line, column);
  if (!layout) return layout.error();
  const FieldLayout& f = *layout;
  Assertion a;
  auto [firstLine, firstColumn] = lineColumn(input, f.start, line, column);
  a.firstLine = firstLine;
  a.firstColumn = firstColumn;
  if (f.end - f.start > limits.maxAssertionBytes) {
    return makeError("limit",
                     "assertion longer than " + std::to_string(limits.maxAssertionBytes) + " bytes",
                     firstLine, firstColumn);
  }
  a.text = std::string(input.substr(f.start, f.end - f.start));

  auto run = [&](Field field, LexMode mode, auto&& body) -> std::optional<Error> {
    const FieldRange& r = f[field];
    if (!r.present) return std::nullopt;
    FieldParser p(a, r.begin, r.end, mode, limits);
    if (p.ok()) body(p);
    return p.error();
  };

  // Field layout, version and Local-Constants errors reject the assertion
  // outright (kn_add_assertion fails); later fields need the constants.
  if (auto e = run(Field::Version, LexMode::Principal, parseVersion)) return *e;
  if (auto e = run(Field::LocalConstants, LexMode::Principal, parseLocalConstants)) return *e;

  a.hasLicensees = f[Field::Licensees].present;
  a.hasConditions = f[Field::Conditions].present;
  a.hasComment = f[Field::Comment].present;
  a.hasSignature = f[Field::Signature].present;
  if (a.hasLicensees) a.licenseesSpan = {f[Field::Licensees].begin, f[Field::Licensees].end};
  if (a.hasConditions) a.conditionsSpan = {f[Field::Conditions].begin, f[Field::Conditions].end};
  if (a.hasSignature) a.signedEnd = f[Field::Signature].keyword;

  std::optional<Error> bodyError = run(Field::Authorizer, LexMode::Principal, parseAuthorizer);
  if (!bodyError) bodyError = run(Field::Licensees, LexMode::Licensees, parseLicensees);
  if (!bodyError) {
    bodyError = run(Field::Conditions, LexMode::Conditions,
                    [&](FieldParser& p) { parseConditions(p, a.conditions); });
  }
  if (!bodyError) bodyError = run(Field::Signature, LexMode::Principal, parseSignature);
  if (bodyError) {
    if (!lenient) return *bodyError;
    a.error = std::move(bodyError);
  }
  return a;
}

}  // namespace

std::string parsePrincipalExpression(FieldParser& p, std::uint32_t& begin, std::uint32_t& end) {
  std::uint32_t b = 0;
  std::string value = parsePrincipalTerm(p, begin, end);
  while (p.ok() && p.peek().kind == Tok::Dot) {
    p.advance();
    std::string more = parsePrincipalTerm(p, b, end);
    if (value.size() + more.size() > p.limits().maxStringBytes) {
      p.fail(b, "principal longer than " + std::to_string(p.limits().maxStringBytes) + " bytes",
             "limit");
      return {};
    }
    value += more;
  }
  return value;
}

}  // namespace detail

Outcome<Assertion> parseAssertion(std::string_view text, const Limits& limits) {
  return detail::parseImpl(text, limits, false, 1, 1);
}

Outcome<Assertion> parseAssertionLenient(std::string_view text, const Limits& limits) {
  return detail::parseImpl(text, limits, true, 1, 1);
}

std::vector<TextPiece> splitAssertions(std::string_view text) {
  // kn_read_asserts(3): pieces are separated by two consecutive newlines;
  // pieces holding only blank space are dropped.
  std::vector<TextPiece> out;
  std::size_t pieceStart = 0;
  bool sawNewline = false;
  bool hasContent = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      if (sawNewline) {
        if (hasContent) out.push_back({text.substr(pieceStart, i - pieceStart), pieceStart});
        hasContent = false;
        sawNewline = false;
        pieceStart = i + 1;
      } else {
        sawNewline = true;
      }
      continue;
    }
    sawNewline = false;
    if (!detail::isSpace(c)) hasContent = true;
  }
  if (hasContent) out.push_back({text.substr(pieceStart), pieceStart});
  return out;
}

Outcome<std::vector<Assertion>> parse(std::string_view text, const Limits& limits) {
  std::vector<Assertion> out;
  for (const TextPiece& piece : splitAssertions(text)) {
    auto [line, column] = detail::lineColumn(text, piece.offset);
    auto one = detail::parseImpl(piece.text, limits, false, line, column);
    if (!one) return one.error();
    out.push_back(std::move(one.value()));
  }
  return out;
}

}  // namespace keynote
