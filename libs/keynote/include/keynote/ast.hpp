#pragma once
// The abstract syntax of an assertion's Licensees and Conditions fields, as the
// parser produces it and the evaluator walks it.
//
// Expressions are stored flat (vectors of nodes addressed by index) rather than
// as a pointer tree: one allocation per field, cache-friendly evaluation, and a
// cheap copy. Every node has already been type-checked (string, integer,
// float or test), every Local-Constants name has been replaced by its value,
// and every literal regular expression has been compiled once.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace keynote {

// A byte range of the assertion text (Assertion::text), for error positions
// and explanations.
struct Span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

enum class Op : std::uint8_t {
  // string-valued
  StrLiteral,     // strings[str]
  StrAttribute,   // action attribute strings[str] (hash: precomputed lookup hash)
  StrSpecial,     // _MIN_TRUST, _MAX_TRUST, _VALUES, _ACTION_AUTHORIZERS (special)
  StrRegexGroup,  // _0 .. _N of the last regex match (number in `integer`)
  StrDeref,       // $ a: the attribute named by the value of a
  StrConcat,      // list of operands, concatenated
  // integer-valued (64-bit, wrapping)
  IntLiteral,
  IntNeg,
  IntAdd,
  IntSub,
  IntMul,
  IntDiv,
  IntMod,
  IntPow,
  IntFromString,  // @ a
  // float-valued
  FloatLiteral,
  FloatNeg,
  FloatAdd,
  FloatSub,
  FloatMul,
  FloatDiv,
  FloatPow,
  FloatFromString,  // & a
  // tests
  True,
  False,
  Not,
  And,  // list
  Or,   // list
  IntCompare,
  FloatCompare,
  StrCompare,
  RegexMatch,  // a ~= b; regex: index of the compiled literal, or kNoRegex
};

enum class Cmp : std::uint8_t { Eq, Ne, Lt, Gt, Le, Ge };

enum class Special : std::uint8_t { MinTrust, MaxTrust, Values, ActionAuthorizers };

inline constexpr std::uint32_t kNoRegex = 0xffffffffU;

struct Node {
  Op op = Op::True;
  Cmp cmp = Cmp::Eq;
  Special special = Special::MinTrust;
  std::uint32_t a = 0;      // first operand (node index)
  std::uint32_t b = 0;      // second operand (node index)
  std::uint32_t first = 0;  // n-ary operands: lists[first .. first+count)
  std::uint32_t count = 0;
  std::uint32_t str = 0;  // index into Program::strings
  std::uint32_t regex = kNoRegex;
  std::uint64_t hash = 0;  // attribute name hash (StrAttribute)
  std::int64_t integer = 0;
  double real = 0.0;
  Span span;
};

// A regular expression compiled at parse time (POSIX extended syntax,
// leftmost-longest, by RE2). `error` is set when RE2 refused the pattern; the
// test using it then fails at run time with that message.
struct CompiledRegex {
  std::shared_ptr<const re2::RE2> re;
  std::string error;
};

// One `Test [-> Value | -> { Program }] ;` of a Conditions field.
struct Clause {
  enum class Kind : std::uint8_t { Plain, Value, Block };
  Kind kind = Kind::Plain;
  std::uint32_t test = 0;   // node index
  std::uint32_t value = 0;  // node index (Kind::Value)
  std::uint32_t first = 0;  // Kind::Block: clauseLists[first .. first+count)
  std::uint32_t count = 0;
  Span span;
};

struct Program {
  std::vector<Node> nodes;
  std::vector<std::uint32_t> lists;  // operands of n-ary nodes
  std::vector<std::string> strings;  // literals and attribute names
  std::vector<CompiledRegex> regexes;
  std::vector<Clause> clauses;
  std::vector<std::uint32_t> clauseLists;  // clause indices of programs
  std::uint32_t rootFirst = 0;             // top-level program: clauseLists[rootFirst ..
  std::uint32_t rootCount = 0;             //   rootFirst + rootCount)
};

// The Licensees expression. Leaves name principals by index into
// Assertion::principals.
struct LicenseeNode {
  enum class Kind : std::uint8_t { Principal, And, Or, KOf };
  Kind kind = Kind::Principal;
  std::uint32_t principal = 0;          // Kind::Principal
  std::uint32_t k = 0;                  // Kind::KOf
  std::vector<std::uint32_t> children;  // node indices (And, Or, KOf)
  Span span;
};

}  // namespace keynote
