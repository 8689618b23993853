#pragma once
// Internal state of a Session: the assertion slots with their indexes, the
// principal table, and the per-query scratch state that lets a query run
// without allocating once the session is warm.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "attributes.hpp"
#include "evaluator.hpp"
#include "keynote/session.hpp"

namespace keynote {

std::string signatureFailure(const Assertion& a, SignatureCheck check);

struct Session::Impl {
  enum class Sig : std::uint8_t { Unchecked, Good, Bad };
  enum class State : std::uint8_t { InProgress, Done };

  struct Entry {
    std::shared_ptr<const Assertion> a;
    AssertionId id = 0;
    bool alive = false;
    bool trusted = false;
    bool valid = false;
    std::int32_t authorizer = -1;        // principal id
    std::vector<std::int32_t> leaves;    // principal id of each Assertion::principals[i]
    std::vector<std::int32_t> distinct;  // distinct licensee principal ids
    Sig sig = Sig::Unchecked;
    SignatureCheck sigCheck = SignatureCheck::Verified;
    // per query (relevantEpoch, prev*) and per evaluation pass (stateEpoch)
    std::uint64_t stateEpoch = 0;
    std::uint64_t relevantEpoch = 0;
    std::uint64_t prevEpoch = 0;   // query whose pass produced prevResult
    std::uint32_t prevResult = 0;  // value in the previous pass (cycles)
    State state = State::Done;
    std::uint32_t cond = 0;
    std::uint32_t lic = 0;
    std::uint32_t result = 0;
    bool depthLimited = false;
  };

  struct Principal {
    std::string display;   // first spelling seen
    std::string identity;  // canonical key or "opaque:" + text ("" for a malformed key)
    std::vector<std::string> spellings;  // texts that map to it in bySpelling
    std::uint32_t refs = 0;
    std::uint32_t requester = 0;            // times added as an action authorizer
    std::vector<std::uint32_t> byAuthor;    // entry slots
    std::vector<std::uint32_t> byLicensee;  // entry slots
    // per query
    std::uint64_t visitEpoch = 0;
    std::uint64_t listEpoch = 0;
    std::vector<std::uint32_t> relevant;  // relevant entry slots it authored
  };

  Impl(const CryptoProvider& c, Limits l) : crypto(c), limits(l), evaluator(limits) {}

  // principals.cpp-like helpers (session.cpp)
  std::int32_t intern(const std::string& text);
  void release(std::int32_t pid);
  std::int32_t findPrincipal(std::string_view text);
  std::string identityOf(std::string_view text) const;

  void index(std::uint32_t slot);
  void unindex(std::uint32_t slot);

  // query.cpp
  Outcome<std::size_t> run(std::span<const std::string_view> values, Explanation* explanation);
  void markRelevant();
  std::uint32_t evalEntry(std::uint32_t slot, std::size_t depth);
  std::uint32_t licenseeValue(Entry& e, std::uint32_t node, std::size_t depth);
  std::uint32_t principalValue(std::int32_t pid, std::size_t depth);
  std::uint32_t evaluateRoots();
  bool signatureOk(Entry& e);
  void rebuildAuthorizerList();

  // explain.cpp
  void buildExplanation(Explanation& out);

  const CryptoProvider& crypto;
  Limits limits;

  std::vector<Entry> entries;
  std::vector<std::uint32_t> freeSlots;
  std::unordered_map<AssertionId, std::uint32_t> slotOf;
  AssertionId nextId = 0;
  std::size_t aliveCount = 0;
  std::vector<std::uint32_t> open;  // entries without a Licensees field

  std::vector<Principal> principals;
  std::vector<std::int32_t> freePrincipals;
  std::unordered_map<std::string, std::int32_t> bySpelling;
  std::unordered_map<std::string, std::int32_t> byIdentity;
  std::int32_t policy = -1;

  detail::AttributeTable actions;
  detail::AttributeFallback fallback;
  struct Requester {
    std::string text;
    std::int32_t pid;
  };
  std::vector<Requester> requesters;  // in order of addition
  std::string authorizerList;         // _ACTION_AUTHORIZERS

  // query scratch
  std::uint64_t epoch = 0;  // query
  std::uint64_t pass = 0;   // evaluation pass (several when there are cycles)
  bool cycleHit = false;
  std::vector<std::uint32_t> evaluated;  // slots evaluated in this pass
  std::vector<std::string_view> values;
  std::vector<std::int32_t> stack;
  std::vector<std::int32_t> touched;
  std::vector<std::uint32_t> kof;
  std::string signedBytes;
  detail::EvalEnv env;
  detail::Evaluator evaluator;
  std::vector<AssertionFailure> limitFailures;
  // explanations
  bool explaining = false;
  std::unordered_map<std::uint32_t, detail::ConditionTrace> traces;
};

}  // namespace keynote
