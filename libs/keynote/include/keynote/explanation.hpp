#pragma once
// Why a query came out the way it did, in a form a person can read (the FAC
// agent shows it to users) and a program can inspect.
//
// For a granted query: the chains of assertions that produced the value,
// each from a POLICY assertion down to a requesting principal. For a refusal
// (or a value lower than hoped): each assertion that was considered and why
// it gave less (the Conditions clause whose test failed, with the values it
// compared; unsatisfied Licensees; a bad signature; a syntax error).

#include <cstdint>
#include <string>
#include <vector>

namespace keynote {

using AssertionId = std::uint32_t;

// Principals appear as written after Local-Constants substitution (keys in
// full); the *Name fields hold the Local-Constants name the assertion used
// for them, if any, because "TargetAdmin" reads better than 300 hex digits.
struct ChainLink {
  AssertionId assertion = 0;
  std::string authorizer;  // who issued it
  std::string authorizerName;
  std::string licensee;  // the principal it delegated to on this chain
  std::string licenseeName;
  std::string value;  // the compliance value it contributed
  int line = 0;       // where the assertion starts in its source
};

struct Chain {
  std::vector<ChainLink> links;  // POLICY first
  std::string requester;         // the requesting principal the chain ends at
                                 // (empty when the last assertion has no Licensees)
};

enum class NoteKind : std::uint8_t {
  ConditionsFailed,      // no clause of Conditions held (or only low values)
  LicenseesUnsatisfied,  // the Licensees expression had no trust
  SignatureFailed,       // the credential's signature did not verify
  SyntaxError,           // the assertion is malformed
  DepthLimit,            // the delegation chain was longer than the limit
  WorkLimit,             // the query's evaluation budget ran out
};

struct AssertionNote {
  AssertionId assertion = 0;
  std::string authorizer;
  std::string authorizerName;
  NoteKind kind = NoteKind::ConditionsFailed;
  std::string value;   // the value the assertion ended with
  std::string detail;  // human-readable reason, with line and column
};

struct Explanation {
  std::vector<std::string> values;  // the query's compliance values, ascending
  std::size_t value = 0;            // the answer (index into values)
  std::vector<std::string> requesters;
  std::vector<Chain> chains;
  std::vector<AssertionNote> notes;
  std::vector<std::string> remarks;  // query-wide observations

  // The multi-line text form (docs/keynote.md, "Explanations").
  [[nodiscard]] std::string text() const;
};

const char* noteKindName(NoteKind kind);

}  // namespace keynote
