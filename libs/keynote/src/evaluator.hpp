#pragma once
// Evaluation of a Conditions program (RFC 2704 section 4.6.5) against one
// query: the compliance value of the assertion's Conditions field.
//
// Runtime errors (division by zero, a regex RE2 refused, a string over the
// size limit, the query's work budget exhausted) make the clause's test
// false; other clauses still count. `&&` and `||` short-circuit, so errors in
// operands that are not evaluated do not matter. Nothing here allocates once
// its buffers have grown to the size the assertions need.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attributes.hpp"
#include "keynote/assertion.hpp"

namespace keynote::detail {

using AttributeFallback = std::function<std::optional<std::string>(std::string_view name)>;

// What a query supplies to Conditions.
struct EvalEnv {
  const std::vector<std::string_view>* values = nullptr;  // ascending compliance values
  const AttributeTable* attributes = nullptr;
  const AttributeFallback* fallback = nullptr;  // names the table does not hold
  std::string_view actionAuthorizers;           // _ACTION_AUTHORIZERS
  std::string valuesList;                       // _VALUES, built on first use
  bool valuesListReady = false;
  std::uint64_t work = 0;  // remaining budget (see Limits)

  std::string_view joinedValues();
  [[nodiscard]] std::size_t maxIndex() const { return values->size() - 1; }
  [[nodiscard]] std::size_t indexOf(std::string_view v) const;  // SIZE_MAX when absent
};

// Per-clause outcome, recorded only when explaining.
struct ClauseTrace {
  std::uint32_t clause = 0;
  int depth = 0;          // nesting level ({ } blocks)
  bool held = false;      // the test was true
  std::size_t value = 0;  // the clause's value (index)
  std::string detail;     // why the test failed, or which value was chosen
};
struct ConditionTrace {
  std::vector<ClauseTrace> clauses;
};

class Evaluator {
 public:
  explicit Evaluator(const Limits& limits) : limits_(limits) {}

  // The Conditions value (an index into env.values) of `a`.
  std::size_t conditions(const Assertion& a, EvalEnv& env, ConditionTrace* trace);

 private:
  std::size_t program(std::uint32_t first, std::uint32_t count, int depth);
  std::size_t clause(std::uint32_t index, int depth);

  bool test(std::uint32_t n);
  std::int64_t integer(std::uint32_t n);
  double real(std::uint32_t n);
  std::string_view str(std::uint32_t n);
  void strInto(std::uint32_t n, std::string& out);
  std::string_view lookup(std::string_view name, std::uint64_t hash);
  std::string_view group(std::int64_t number);
  bool regexMatch(const Node& node);

  std::string& buffer();
  bool charge(std::uint64_t units);
  void raise(std::uint32_t node, std::string message);

  std::string explainFalse(std::uint32_t n, int budget);
  std::string show(std::uint32_t n);

  const Limits& limits_;
  const Assertion* a_ = nullptr;
  const Program* p_ = nullptr;
  EvalEnv* env_ = nullptr;
  ConditionTrace* trace_ = nullptr;

  bool error_ = false;
  std::string errorMessage_;
  std::uint32_t errorNode_ = 0;

  // Regex groups of the current clause, one level per `{ }` nesting.
  std::vector<std::vector<std::string>> groups_;
  std::vector<int> groupCounts_;
  std::vector<std::string> pendingGroups_;
  std::string groupCountText_;
  int level_ = 0;

  // Scratch strings for `.` and `$`; reset after each comparison.
  std::vector<std::unique_ptr<std::string>> pool_;
  std::size_t poolUsed_ = 0;
  std::optional<std::string> fallbackValue_;
};

// "3.99" -> 3, "-5" -> 0 ([ref]: only digits and one '.').
std::int64_t toInteger(std::string_view s);
double toReal(std::string_view s);

}  // namespace keynote::detail
