#include "evaluator.hpp"

#include <re2/re2.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "regex.hpp"
#include "text.hpp"

namespace keynote::detail {

std::string_view EvalEnv::joinedValues() {
  if (!valuesListReady) {
    valuesList.clear();
    for (std::size_t i = 0; i < values->size(); ++i) {
      if (i > 0) valuesList.push_back(',');
      valuesList.append((*values)[i]);
    }
    valuesListReady = true;
  }
  return valuesList;
}

std::size_t EvalEnv::indexOf(std::string_view v) const {
  for (std::size_t i = 0; i < values->size(); ++i) {
    if ((*values)[i] == v) return i;
  }
  return SIZE_MAX;
}

namespace {

bool isNumberText(std::string_view s) {
  bool point = false;
  for (char c : s) {
    if (c == '.') {
      if (point) return false;
      point = true;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

template <typename T>
bool compare(const T& l, const T& r, Cmp cmp) {
  switch (cmp) {
    case Cmp::Eq: return l == r;
    case Cmp::Ne: return l != r;
    case Cmp::Lt: return l < r;
    case Cmp::Gt: return l > r;
    case Cmp::Le: return l <= r;
    case Cmp::Ge: return l >= r;
  }
  return false;
}

// Wrapping 64-bit arithmetic: overflow is defined, never undefined behaviour.
std::int64_t wrap(std::uint64_t v) {
  return static_cast<std::int64_t>(v);
}
std::uint64_t u(std::int64_t v) {
  return static_cast<std::uint64_t>(v);
}

std::int64_t intPow(std::int64_t base, std::int64_t exponent) {
  if (exponent < 0) return 0;  // 1 / x^n in integers
  std::uint64_t result = 1;
  std::uint64_t b = u(base);
  auto e = static_cast<std::uint64_t>(exponent);
  while (e != 0) {
    if ((e & 1U) != 0) result *= b;
    b *= b;
    e >>= 1U;
  }
  return wrap(result);
}

std::string quoted(std::string_view s, std::size_t max = 60) {
  std::string out = "\"";
  std::size_t n = 0;
  for (char c : s) {
    if (n++ >= max) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\?";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::int64_t toInteger(std::string_view s) {
  if (!isNumberText(s) || s.empty() || s == ".") return 0;
  double d = toReal(s);
  d = std::floor(d);
  if (d >= 9.2233720368547758e18) return std::numeric_limits<std::int64_t>::max();
  return static_cast<std::int64_t>(d);
}

double toReal(std::string_view s) {
  if (!isNumberText(s) || s.empty() || s == ".") return 0.0;
  double d = 0.0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc::result_out_of_range) return std::numeric_limits<double>::infinity();
  if (ec != std::errc() || ptr != s.data() + s.size()) return 0.0;
  return d;
}

std::string& Evaluator::buffer() {
  if (poolUsed_ == pool_.size()) pool_.push_back(std::make_unique<std::string>());
  std::string& b = *pool_[poolUsed_++];
  b.clear();
  return b;
}

bool Evaluator::charge(std::uint64_t units) {
  if (env_->work < units) {
    env_->work = 0;
    return false;
  }
  env_->work -= units;
  return true;
}

void Evaluator::raise(std::uint32_t node, std::string message) {
  if (error_) return;
  error_ = true;
  errorNode_ = node;
  errorMessage_ = std::move(message);
}

std::size_t Evaluator::conditions(const Assertion& a, EvalEnv& env, ConditionTrace* trace) {
  if (!a.hasConditions) return env.maxIndex();  // absent field: no conditions
  a_ = &a;
  p_ = &a.conditions;
  env_ = &env;
  trace_ = trace;
  level_ = 0;
  std::size_t v = program(p_->rootFirst, p_->rootCount, 0);
  a_ = nullptr;
  p_ = nullptr;
  env_ = nullptr;
  trace_ = nullptr;
  return v;
}

std::size_t Evaluator::program(std::uint32_t first, std::uint32_t count, int depth) {
  std::size_t best = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t v = clause(p_->clauseLists[first + i], depth);
    if (v > best) best = v;
    // Nothing beats _MAX_TRUST; explanations still want every clause.
    if (best == env_->maxIndex() && trace_ == nullptr) break;
  }
  return best;
}

std::size_t Evaluator::clause(std::uint32_t index, int depth) {
  const Clause& c = p_->clauses[index];
  // Regex groups are visible in the rest of the clause and in its block.
  if (groups_.size() <= static_cast<std::size_t>(depth)) {
    groups_.resize(static_cast<std::size_t>(depth) + 1);
    groupCounts_.resize(static_cast<std::size_t>(depth) + 1);
  }
  if (depth == 0) {
    groups_[0].clear();
    groupCounts_[0] = -1;
  } else {
    groups_[static_cast<std::size_t>(depth)] = groups_[static_cast<std::size_t>(depth) - 1];
    groupCounts_[static_cast<std::size_t>(depth)] =
        groupCounts_[static_cast<std::size_t>(depth) - 1];
  }
  const int savedLevel = level_;
  level_ = depth;
  error_ = false;
  poolUsed_ = 0;

  std::size_t value = 0;
  const bool held = test(c.test) && !error_;
  std::string detail;
  if (held) {
    switch (c.kind) {
      case Clause::Kind::Plain: value = env_->maxIndex(); break;
      case Clause::Kind::Value: {
        poolUsed_ = 0;
        std::string_view v = str(c.value);
        std::size_t i = error_ ? SIZE_MAX : env_->indexOf(v);
        value = i == SIZE_MAX ? 0 : i;
        if (trace_ != nullptr) {
          detail = i == SIZE_MAX ? "value " + quoted(v) +
                                       " is not a compliance value of this "
                                       "query, so it counts as _MIN_TRUST"
                                 : "value " + quoted(v);
        }
        break;
      }
      case Clause::Kind::Block: {
        std::size_t slot = 0;
        if (trace_ != nullptr) {
          slot = trace_->clauses.size();
          trace_->clauses.push_back({index, depth, true, 0, "block"});
        }
        value = program(c.first, c.count, depth + 1);
        if (trace_ != nullptr) trace_->clauses[slot].value = value;
        level_ = savedLevel;
        return value;
      }
    }
  } else if (trace_ != nullptr) {
    if (error_) {
      const Span s = p_->nodes[errorNode_].span;
      auto [line, column] = a_->position(s.begin);
      detail = errorMessage_ + " (at line " + std::to_string(line) + ", column " +
               std::to_string(column) + ")";
    } else {
      error_ = false;
      poolUsed_ = 0;
      detail = explainFalse(c.test, 8);
    }
  }
  if (trace_ != nullptr) trace_->clauses.push_back({index, depth, held, value, std::move(detail)});
  level_ = savedLevel;
  return value;
}

// ---- tests ------------------------------------------------------------------

bool Evaluator::test(std::uint32_t n) {
  if (!charge(1)) {
    raise(n, "evaluation work limit of this query exhausted");
    return false;
  }
  const Node& node = p_->nodes[n];
  switch (node.op) {
    case Op::True: return true;
    case Op::False: return false;
    case Op::Not: return !test(node.a);
    case Op::And:
      for (std::uint32_t i = 0; i < node.count; ++i) {
        if (!test(p_->lists[node.first + i])) return false;
      }
      return true;
    case Op::Or:
      for (std::uint32_t i = 0; i < node.count; ++i) {
        if (test(p_->lists[node.first + i])) return true;
      }
      return false;
    case Op::IntCompare: return compare(integer(node.a), integer(node.b), node.cmp);
    case Op::FloatCompare: return compare(real(node.a), real(node.b), node.cmp);
    case Op::StrCompare: {
      const std::size_t mark = poolUsed_;
      std::string_view l = str(node.a);
      std::string_view r = str(node.b);
      charge(std::min(l.size(), r.size()));
      bool result = compare(l, r, node.cmp);
      poolUsed_ = mark;
      return result;
    }
    case Op::RegexMatch: return regexMatch(node);
    default: break;
  }
  raise(n, "internal error: not a test");
  return false;
}

bool Evaluator::regexMatch(const Node& node) {
  const std::size_t mark = poolUsed_;
  std::string_view subject = str(node.a);
  const re2::RE2* re = nullptr;
  CompiledRegex dynamic;
  const std::uint32_t self = static_cast<std::uint32_t>(&node - p_->nodes.data());
  if (node.regex != kNoRegex) {
    const CompiledRegex& compiled = p_->regexes[node.regex];
    if (!compiled.re) {
      raise(self, compiled.error);
      poolUsed_ = mark;
      return false;
    }
    re = compiled.re.get();
  } else {
    std::string_view pattern = str(node.b);
    if (error_) {
      poolUsed_ = mark;
      return false;
    }
    charge(pattern.size() * 16);
    dynamic = compileRegex(pattern, limits_);
    if (!dynamic.re) {
      raise(self, dynamic.error);
      poolUsed_ = mark;
      return false;
    }
    re = dynamic.re.get();
  }
  if (error_ || !charge(subject.size() + 1)) {
    if (!error_) raise(self, "evaluation work limit of this query exhausted");
    poolUsed_ = mark;
    return false;
  }
  // Groups of an earlier match are gone once another regex is tried.
  auto& groups = groups_[static_cast<std::size_t>(level_)];
  int count = 0;
  const bool matched = regexSearch(*re, subject, pendingGroups_, count);
  groups.swap(pendingGroups_);
  if (matched) {
    groupCounts_[static_cast<std::size_t>(level_)] = count;
  } else {
    groups.clear();
    groupCounts_[static_cast<std::size_t>(level_)] = -1;
  }
  poolUsed_ = mark;
  return matched;
}

// ---- numbers ------------------------------------------------------------------

std::int64_t Evaluator::integer(std::uint32_t n) {
  charge(1);
  const Node& node = p_->nodes[n];
  switch (node.op) {
    case Op::IntLiteral: return node.integer;
    case Op::IntNeg: return wrap(0U - u(integer(node.a)));
    case Op::IntAdd: return wrap(u(integer(node.a)) + u(integer(node.b)));
    case Op::IntSub: return wrap(u(integer(node.a)) - u(integer(node.b)));
    case Op::IntMul: return wrap(u(integer(node.a)) * u(integer(node.b)));
    case Op::IntDiv:
    case Op::IntMod: {
      std::int64_t l = integer(node.a);
      std::int64_t r = integer(node.b);
      if (r == 0) {
        raise(n, node.op == Op::IntDiv ? "division by zero" : "modulo by zero");
        return 0;
      }
      if (r == -1) return node.op == Op::IntDiv ? wrap(0U - u(l)) : 0;  // no INT64_MIN / -1 trap
      return node.op == Op::IntDiv ? l / r : l % r;
    }
    case Op::IntPow: {
      std::int64_t l = integer(node.a);
      return intPow(l, integer(node.b));
    }
    case Op::IntFromString: {
      const std::size_t mark = poolUsed_;
      std::int64_t v = toInteger(str(node.a));
      poolUsed_ = mark;
      return v;
    }
    default: break;
  }
  raise(n, "internal error: not an integer");
  return 0;
}

double Evaluator::real(std::uint32_t n) {
  charge(1);
  const Node& node = p_->nodes[n];
  switch (node.op) {
    case Op::FloatLiteral: return node.real;
    case Op::FloatNeg: return -real(node.a);
    case Op::FloatAdd: return real(node.a) + real(node.b);
    case Op::FloatSub: return real(node.a) - real(node.b);
    case Op::FloatMul: return real(node.a) * real(node.b);
    case Op::FloatDiv: {
      double l = real(node.a);
      double r = real(node.b);
      if (r == 0.0) {
        raise(n, "division by zero");
        return 0.0;
      }
      return l / r;
    }
    case Op::FloatPow: {
      double l = real(node.a);
      return std::pow(l, real(node.b));
    }
    case Op::FloatFromString: {
      const std::size_t mark = poolUsed_;
      double v = toReal(str(node.a));
      poolUsed_ = mark;
      return v;
    }
    default: break;
  }
  raise(n, "internal error: not a float");
  return 0.0;
}

// ---- strings ------------------------------------------------------------------

std::string_view Evaluator::group(std::int64_t number) {
  const auto level = static_cast<std::size_t>(level_);
  if (groupCounts_.size() <= level || groupCounts_[level] < 0) return {};
  if (number == 0) {
    groupCountText_ = std::to_string(groupCounts_[level]);
    std::string& b = buffer();
    b = groupCountText_;
    return b;
  }
  const auto& g = groups_[level];
  if (number < 1 || static_cast<std::size_t>(number) > g.size()) return {};
  return g[static_cast<std::size_t>(number) - 1];
}

std::string_view Evaluator::lookup(std::string_view name, std::uint64_t hash) {
  if (const std::string* v = env_->attributes->find(name, hash)) return *v;
  if (env_->fallback != nullptr && *env_->fallback) {
    std::optional<std::string> v = (*env_->fallback)(name);
    if (v) {
      std::string& b = buffer();
      b = std::move(*v);
      return b;
    }
  }
  return {};  // undefined attributes are the empty string
}

std::string_view Evaluator::str(std::uint32_t n) {
  charge(1);
  const Node& node = p_->nodes[n];
  switch (node.op) {
    case Op::StrLiteral: return p_->strings[node.str];
    case Op::StrAttribute: return lookup(p_->strings[node.str], node.hash);
    case Op::StrSpecial:
      switch (node.special) {
        case Special::MinTrust: return (*env_->values)[0];
        case Special::MaxTrust: return (*env_->values)[env_->maxIndex()];
        case Special::Values: return env_->joinedValues();
        case Special::ActionAuthorizers: return env_->actionAuthorizers;
      }
      return {};
    case Op::StrRegexGroup: return group(node.integer);
    case Op::StrDeref: {
      std::string_view name = str(node.a);
      // The attribute named by a run-time string: same scopes as a name
      // written in the assertion.
      if (name == "_MIN_TRUST") return (*env_->values)[0];
      if (name == "_MAX_TRUST") return (*env_->values)[env_->maxIndex()];
      if (name == "_VALUES") return env_->joinedValues();
      if (name == "_ACTION_AUTHORIZERS") return env_->actionAuthorizers;
      if (name.size() >= 2 && name.size() <= 4 && name[0] == '_') {
        std::int64_t number = 0;
        auto [ptr, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), number);
        if (ec == std::errc() && ptr == name.data() + name.size()) return group(number);
      }
      for (const auto& [key, value] : a_->localConstants) {
        if (key == name) return value;
      }
      return lookup(name, attributeHash(name));
    }
    case Op::StrConcat: {
      std::string& b = buffer();
      strInto(n, b);
      return b;
    }
    default: break;
  }
  raise(n, "internal error: not a string");
  return {};
}

void Evaluator::strInto(std::uint32_t n, std::string& out) {
  const Node& node = p_->nodes[n];
  if (node.op != Op::StrConcat) {
    const std::size_t mark = poolUsed_;
    std::string_view part = str(n);
    if (out.size() + part.size() > limits_.maxStringBytes) {
      raise(n, "string longer than " + std::to_string(limits_.maxStringBytes) + " bytes");
    } else if (!charge(part.size())) {
      raise(n, "evaluation work limit of this query exhausted");
    } else {
      out.append(part);
    }
    poolUsed_ = mark;
    return;
  }
  for (std::uint32_t i = 0; i < node.count && !error_; ++i) strInto(p_->lists[node.first + i], out);
}

// ---- explanations -------------------------------------------------------------

std::string Evaluator::show(std::uint32_t n) {
  const Span s = p_->nodes[n].span;
  std::string_view text = std::string_view(a_->text).substr(s.begin, s.end - s.begin);
  std::string out;
  bool space = false;
  for (char c : text) {  // collapse line breaks and indentation
    if (c == '\n' || c == '\t' || c == ' ' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() > 120) {
      out += "...";
      break;
    }
  }
  return out;
}

std::string Evaluator::explainFalse(std::uint32_t n, int budget) {
  const Node& node = p_->nodes[n];
  auto [line, column] = a_->position(node.span.begin);
  const std::string where =
      concat({" (line ", std::to_string(line), ", column ", std::to_string(column), ")"});
  switch (node.op) {
    case Op::False: return concat({"'false'", where});
    case Op::Not:
      return concat({"'", show(n), "' is false because '", show(node.a), "' holds", where});
    case Op::And:
      for (std::uint32_t i = 0; i < node.count; ++i) {
        std::uint32_t child = p_->lists[node.first + i];
        if (!test(child) || error_) {
          if (budget <= 0) return concat({"'", show(child), "' is false", where});
          return explainFalse(child, budget - 1);
        }
      }
      break;
    case Op::Or: {
      std::string out = concat({"no alternative holds in '", show(n), "'", where});
      for (std::uint32_t i = 0; i < node.count && budget > 0; ++i) {
        out += "; ";
        out += explainFalse(p_->lists[node.first + i], budget - 1);
      }
      return out;
    }
    case Op::IntCompare: {
      std::int64_t l = integer(node.a);
      std::int64_t r = integer(node.b);
      return concat(
          {"'", show(n), "' is false: ", std::to_string(l), " vs ", std::to_string(r), where});
    }
    case Op::FloatCompare: {
      double l = real(node.a);
      double r = real(node.b);
      return concat(
          {"'", show(n), "' is false: ", std::to_string(l), " vs ", std::to_string(r), where});
    }
    case Op::StrCompare: {
      std::string l = std::string(str(node.a));
      std::string r = std::string(str(node.b));
      return concat({"'", show(n), "' is false: ", quoted(l), " vs ", quoted(r), where});
    }
    case Op::RegexMatch: {
      std::string subject = std::string(str(node.a));
      return concat({"'", show(n), "' does not match: subject ", quoted(subject), where});
    }
    default: break;
  }
  if (error_) return concat({errorMessage_, where});
  return concat({"'", show(n), "' is false", where});
}

}  // namespace keynote::detail
