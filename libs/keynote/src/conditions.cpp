// The Conditions parser and type checker (RFC 2704 section 4.6.5).
//
// Precedence, lowest first: `||`, `&&`, `!`, comparisons (not chainable),
// `+ - .`, `* / %`, `^`, unary `- @ & $`, then literals, names and
// parentheses. Binary operators associate to the left. Each expression gets
// one of four types as it is built (string, integer, float, test) and an
// operator applied to the wrong types is a syntax error, as in the classic
// grammar: `n < 5` with a string attribute n must be written `@n < 5`.

#include <algorithm>
#include <functional>
#include <string>

#include "parser.hpp"
#include "regex.hpp"
#include "text.hpp"

namespace keynote::detail {
namespace {

enum class Type : std::uint8_t { String, Int, Float, Test };

const char* typeName(Type t) {
  switch (t) {
    case Type::String: return "a string";
    case Type::Int: return "an integer";
    case Type::Float: return "a float";
    case Type::Test: return "a test";
  }
  return "a value";
}

struct Expr {
  std::uint32_t node = 0;
  Type type = Type::Test;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

class ConditionsParser {
 public:
  ConditionsParser(FieldParser& p, Program& program) : p_(p), prog_(program) {}

  void run() {
    std::vector<std::uint32_t> clauses;
    while (p_.ok() && p_.peek().kind != Tok::End) clauses.push_back(clause());
    if (!p_.ok()) return;
    prog_.rootFirst = static_cast<std::uint32_t>(prog_.clauseLists.size());
    prog_.rootCount = static_cast<std::uint32_t>(clauses.size());
    prog_.clauseLists.insert(prog_.clauseLists.end(), clauses.begin(), clauses.end());
  }

 private:
  // ---- node construction -------------------------------------------------
  Expr add(Node node, Type type, std::uint32_t begin, std::uint32_t end,
           std::initializer_list<std::uint32_t> children) {
    std::size_t depth = 1;
    for (std::uint32_t c : children) depth = std::max(depth, depth_[c] + 1);
    return push(node, type, begin, end, depth);
  }
  Expr push(Node node, Type type, std::uint32_t begin, std::uint32_t end, std::size_t depth) {
    if (depth > p_.limits().maxExpressionDepth) {
      p_.fail(begin,
              "expression nested deeper than " + std::to_string(p_.limits().maxExpressionDepth) +
                  " levels",
              "limit");
    }
    node.span = {begin, end};
    prog_.nodes.push_back(node);
    depth_.push_back(depth);
    return {static_cast<std::uint32_t>(prog_.nodes.size() - 1), type, begin, end};
  }
  Expr list(Op op, Type type, const std::vector<Expr>& items) {
    Node n;
    n.op = op;
    n.first = static_cast<std::uint32_t>(prog_.lists.size());
    n.count = static_cast<std::uint32_t>(items.size());
    std::size_t depth = 1;
    for (const Expr& e : items) {
      prog_.lists.push_back(e.node);
      depth = std::max(depth, depth_[e.node] + 1);
    }
    return push(n, type, items.front().begin, items.back().end, depth);
  }
  std::uint32_t addString(std::string s) {
    prog_.strings.push_back(std::move(s));
    return static_cast<std::uint32_t>(prog_.strings.size() - 1);
  }

  bool require(const Expr& e, Type want, const std::string& context) {
    if (!p_.ok()) return false;
    if (e.type == want) return true;
    p_.fail(e.begin, context + " must be " + typeName(want) + ", found " + typeName(e.type) + " '" +
                         std::string(excerpt(spanText(e), 60)) + "'");
    return false;
  }
  std::string_view spanText(const Expr& e) const {
    return std::string_view(p_.assertion().text).substr(e.begin, e.end - e.begin);
  }

  // ---- clauses -------------------------------------------------------------
  std::uint32_t clause() {
    const std::uint32_t begin = p_.peek().begin;
    Clause c;
    Expr test = orExpr();
    if (!require(test, Type::Test, "a clause")) return 0;
    c.test = test.node;
    if (p_.accept(Tok::Arrow)) {
      if (p_.peek().kind == Tok::LBrace) {
        if (!p_.enter(p_.peek().begin)) return 0;
        p_.advance();
        std::vector<std::uint32_t> inner;
        while (p_.ok() && p_.peek().kind != Tok::RBrace && p_.peek().kind != Tok::End) {
          inner.push_back(clause());
        }
        if (!p_.expect(Tok::RBrace, "'}' closing the block")) return 0;
        p_.leave();
        c.kind = Clause::Kind::Block;
        c.first = static_cast<std::uint32_t>(prog_.clauseLists.size());
        c.count = static_cast<std::uint32_t>(inner.size());
        prog_.clauseLists.insert(prog_.clauseLists.end(), inner.begin(), inner.end());
      } else {
        Expr value = additive();
        if (!require(value, Type::String, "the value after '->'")) return 0;
        c.kind = Clause::Kind::Value;
        c.value = value.node;
      }
    }
    if (!p_.ok()) return 0;
    const std::uint32_t end = p_.peek().end;
    if (!p_.expect(Tok::Semicolon, "';' ending the clause")) return 0;
    c.span = {begin, end};
    prog_.clauses.push_back(c);
    return static_cast<std::uint32_t>(prog_.clauses.size() - 1);
  }

  // ---- tests ---------------------------------------------------------------
  Expr logical(Tok tok, Op op, const char* name, Expr (ConditionsParser::*next)()) {
    Expr first = (this->*next)();
    if (!p_.ok() || p_.peek().kind != tok) return first;
    std::vector<Expr> items{first};
    if (!require(first, Type::Test, std::string("the left side of ") + name)) return first;
    while (p_.ok() && p_.accept(tok)) {
      Expr e = (this->*next)();
      if (!require(e, Type::Test, std::string("the right side of ") + name)) return first;
      items.push_back(e);
    }
    if (!p_.ok()) return first;
    return list(op, Type::Test, items);
  }
  Expr orExpr() { return logical(Tok::OrOr, Op::Or, "'||'", &ConditionsParser::andExpr); }
  Expr andExpr() { return logical(Tok::AndAnd, Op::And, "'&&'", &ConditionsParser::notExpr); }

  Expr notExpr() {
    const Token& t = p_.peek();
    if (t.kind != Tok::Not) return comparison();
    const std::uint32_t begin = t.begin;
    if (!p_.enter(begin)) return {};
    p_.advance();
    Expr inner = notExpr();
    p_.leave();
    if (!require(inner, Type::Test, "the operand of '!'")) return inner;
    Node n;
    n.op = Op::Not;
    n.a = inner.node;
    return add(n, Type::Test, begin, inner.end, {inner.node});
  }

  static bool comparisonToken(Tok t, Cmp& cmp) {
    switch (t) {
      case Tok::Eq: cmp = Cmp::Eq; return true;
      case Tok::Ne: cmp = Cmp::Ne; return true;
      case Tok::Lt: cmp = Cmp::Lt; return true;
      case Tok::Gt: cmp = Cmp::Gt; return true;
      case Tok::Le: cmp = Cmp::Le; return true;
      case Tok::Ge: cmp = Cmp::Ge; return true;
      default: return false;
    }
  }

  Expr comparison() {
    Expr left = additive();
    if (!p_.ok()) return left;
    const Token op = p_.peek();
    Cmp cmp = Cmp::Eq;
    const bool isMatch = op.kind == Tok::Match;
    if (!isMatch && !comparisonToken(op.kind, cmp)) {
      if (op.kind == Tok::Assign) {
        p_.fail(op.begin, "'=' is not a comparison (use '==')");
      }
      return left;
    }
    p_.advance();
    Expr right = additive();
    if (!p_.ok()) return left;
    Node n;
    n.a = left.node;
    n.b = right.node;
    n.cmp = cmp;
    if (isMatch) {
      if (!require(left, Type::String, "the left side of '~='")) return left;
      if (!require(right, Type::String, "the regular expression of '~='")) return left;
      n.op = Op::RegexMatch;
      const Node& pattern = prog_.nodes[right.node];
      if (pattern.op == Op::StrLiteral) {
        // Literal patterns are compiled once, here; a pattern RE2 refuses is
        // kept with its error and makes the test false at run time.
        prog_.regexes.push_back(compileRegex(prog_.strings[pattern.str], p_.limits()));
        n.regex = static_cast<std::uint32_t>(prog_.regexes.size() - 1);
      }
    } else if (left.type != right.type) {
      p_.fail(op.begin, std::string("cannot compare ") + typeName(left.type) + " with " +
                            typeName(right.type) +
                            (left.type == Type::String || right.type == Type::String
                                 ? " (convert strings with @ for integers or & for floats)"
                                 : ""));
      return left;
    } else if (left.type == Type::Int) {
      n.op = Op::IntCompare;
    } else if (left.type == Type::Float) {
      if (cmp == Cmp::Eq || cmp == Cmp::Ne) {
        p_.fail(op.begin, "floats cannot be compared with '==' or '!=' (use <, >, <= or >=)");
        return left;
      }
      n.op = Op::FloatCompare;
    } else if (left.type == Type::String) {
      n.op = Op::StrCompare;
    } else {
      p_.fail(op.begin, "tests cannot be compared; combine them with && or ||");
      return left;
    }
    Expr result = add(n, Type::Test, left.begin, right.end, {left.node, right.node});
    Cmp ignored = Cmp::Eq;
    if (p_.ok() && (comparisonToken(p_.peek().kind, ignored) || p_.peek().kind == Tok::Match)) {
      p_.fail(p_.peek().begin, "comparisons cannot be chained; use && between them");
    }
    return result;
  }

  // ---- arithmetic and strings ---------------------------------------------
  Expr arithmetic(Expr left, Tok op, std::uint32_t opBegin, Expr right) {
    if (!p_.ok()) return left;
    Node n;
    n.a = left.node;
    n.b = right.node;
    if (left.type != right.type || (left.type != Type::Int && left.type != Type::Float)) {
      p_.fail(opBegin, std::string("operator ") + tokenName(op) +
                           " needs two integers or two "
                           "floats, found " +
                           typeName(left.type) + " and " + typeName(right.type));
      return left;
    }
    const bool isInt = left.type == Type::Int;
    switch (op) {
      case Tok::Plus: n.op = isInt ? Op::IntAdd : Op::FloatAdd; break;
      case Tok::Minus: n.op = isInt ? Op::IntSub : Op::FloatSub; break;
      case Tok::Star: n.op = isInt ? Op::IntMul : Op::FloatMul; break;
      case Tok::Slash: n.op = isInt ? Op::IntDiv : Op::FloatDiv; break;
      case Tok::Caret: n.op = isInt ? Op::IntPow : Op::FloatPow; break;
      case Tok::Percent:
        if (!isInt) {
          p_.fail(opBegin, "'%' is only defined for integers");
          return left;
        }
        n.op = Op::IntMod;
        break;
      default: break;
    }
    return add(n, left.type, left.begin, right.end, {left.node, right.node});
  }

  Expr additive() {
    Expr left = multiplicative();
    while (p_.ok()) {
      const Token op = p_.peek();
      if (op.kind == Tok::Dot) {
        // Concatenation chains are flattened into one node.
        std::vector<Expr> items{left};
        if (!require(left, Type::String, "the left side of '.'")) return left;
        while (p_.ok() && p_.peek().kind == Tok::Dot) {
          p_.advance();
          Expr e = multiplicative();
          if (!require(e, Type::String, "the right side of '.'")) return left;
          items.push_back(e);
        }
        if (!p_.ok()) return left;
        left = list(Op::StrConcat, Type::String, items);
        continue;
      }
      if (op.kind != Tok::Plus && op.kind != Tok::Minus) return left;
      p_.advance();
      left = arithmetic(left, op.kind, op.begin, multiplicative());
    }
    return left;
  }

  Expr multiplicative() {
    Expr left = power();
    while (p_.ok()) {
      const Token op = p_.peek();
      if (op.kind != Tok::Star && op.kind != Tok::Slash && op.kind != Tok::Percent) return left;
      p_.advance();
      left = arithmetic(left, op.kind, op.begin, power());
    }
    return left;
  }

  Expr power() {
    Expr left = unary();
    while (p_.ok() && p_.peek().kind == Tok::Caret) {
      const Token op = p_.peek();
      p_.advance();
      left = arithmetic(left, op.kind, op.begin, unary());
    }
    return left;
  }

  Expr unary() {
    const Token t = p_.peek();
    if (t.kind != Tok::Minus && t.kind != Tok::At && t.kind != Tok::Amp && t.kind != Tok::Dollar) {
      return primary();
    }
    if (!p_.enter(t.begin)) return {};
    p_.advance();
    Expr inner = unary();
    p_.leave();
    if (!p_.ok()) return inner;
    Node n;
    n.a = inner.node;
    Type type = Type::String;
    switch (t.kind) {
      case Tok::Minus:
        if (inner.type != Type::Int && inner.type != Type::Float) {
          p_.fail(t.begin, std::string("unary '-' needs an integer or a float, found ") +
                               typeName(inner.type));
          return inner;
        }
        n.op = inner.type == Type::Int ? Op::IntNeg : Op::FloatNeg;
        type = inner.type;
        break;
      case Tok::At:
        if (!require(inner, Type::String, "the operand of '@'")) return inner;
        n.op = Op::IntFromString;
        type = Type::Int;
        break;
      case Tok::Amp:
        if (!require(inner, Type::String, "the operand of '&'")) return inner;
        n.op = Op::FloatFromString;
        type = Type::Float;
        break;
      default:
        if (!require(inner, Type::String, "the operand of '$'")) return inner;
        n.op = Op::StrDeref;
        break;
    }
    return add(n, type, t.begin, inner.end, {inner.node});
  }

  Expr name(const Token& t) {
    Node n;
    const std::string& s = t.text;
    static constexpr std::pair<std::string_view, Special> kSpecials[] = {
        {"_MIN_TRUST", Special::MinTrust},
        {"_MAX_TRUST", Special::MaxTrust},
        {"_VALUES", Special::Values},
        {"_ACTION_AUTHORIZERS", Special::ActionAuthorizers},
    };
    for (const auto& [special, which] : kSpecials) {
      if (s == special) {
        n.op = Op::StrSpecial;
        n.special = which;
        return add(n, Type::String, t.begin, t.end, {});
      }
    }
    if (s.size() >= 2 && s.size() <= 4 && s[0] == '_' &&
        std::all_of(s.begin() + 1, s.end(), [](char c) { return isDigit(c); })) {
      n.op = Op::StrRegexGroup;
      n.integer = std::stoll(s.substr(1));
      return add(n, Type::String, t.begin, t.end, {});
    }
    for (const auto& [key, value] : p_.assertion().localConstants) {
      if (key == s) {
        // Local-Constants are resolved here, once: they shadow action
        // attributes of the same name and never change.
        n.op = Op::StrLiteral;
        n.str = addString(value);
        return add(n, Type::String, t.begin, t.end, {});
      }
    }
    n.op = Op::StrAttribute;
    n.str = addString(s);
    n.hash = std::hash<std::string_view>{}(s);
    return add(n, Type::String, t.begin, t.end, {});
  }

  Expr primary() {
    const Token t = p_.peek();
    Node n;
    switch (t.kind) {
      case Tok::String:
        p_.advance();
        n.op = Op::StrLiteral;
        n.str = addString(t.text);
        return add(n, Type::String, t.begin, t.end, {});
      case Tok::Int:
        p_.advance();
        n.op = Op::IntLiteral;
        n.integer = t.integer;
        return add(n, Type::Int, t.begin, t.end, {});
      case Tok::Float:
        p_.advance();
        n.op = Op::FloatLiteral;
        n.real = t.real;
        return add(n, Type::Float, t.begin, t.end, {});
      case Tok::True:
      case Tok::False:
        p_.advance();
        n.op = t.kind == Tok::True ? Op::True : Op::False;
        return add(n, Type::Test, t.begin, t.end, {});
      case Tok::Ident: p_.advance(); return name(t);
      case Tok::LParen: {
        if (!p_.enter(t.begin)) return {};
        p_.advance();
        Expr inner = orExpr();
        const std::uint32_t end = p_.peek().end;
        p_.expect(Tok::RParen, "')'");
        p_.leave();
        inner.begin = t.begin;
        inner.end = end;
        return inner;
      }
      default: p_.unexpected("an expression"); return {};
    }
  }

  FieldParser& p_;
  Program& prog_;
  std::vector<std::size_t> depth_;
};

}  // namespace

void parseConditions(FieldParser& p, Program& program) {
  ConditionsParser(p, program).run();
}

}  // namespace keynote::detail
