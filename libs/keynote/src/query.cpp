// Query evaluation (RFC 2704 section 5.3).
//
// The Policy Compliance Value is the value of the principal POLICY; a
// principal's value is _MAX_TRUST if it is a requester, else the best value
// of the assertions it authored; an assertion's value is the lower of its
// Conditions and Licensees values (and _MIN_TRUST if it is an untrusted
// assertion whose signature does not verify).
//
// Delegation cycles: an assertion met again while it is being evaluated
// contributes, on that back edge, what it was worth in the previous pass
// (nothing in the first, as in the classic implementation). When a pass met
// such a back edge, passes repeat until no value changes: the answer is the
// least fixpoint of section 5, so removing an assertion can never raise it
// (which a single depth-first pass cannot promise). Values only grow from
// pass to pass; a cycle-heavy session stops after kMaxPasses with the lower
// bound reached, failing closed.
//
// Two things keep a query cheap whatever the session holds:
//  - relevance: before evaluating, walk the licensee index backwards from the
//    requesters. Only assertions on some delegation path to a requester (or
//    without a Licensees field) can be worth more than _MIN_TRUST, so only
//    they are evaluated. A policy of a thousand assertions for a thousand
//    principals evaluates one for a given requester.
//  - memoisation: each assertion is evaluated at most once per query, depth
//    first from POLICY. An assertion met again while it is being evaluated (a
//    delegation cycle) contributes nothing on that back edge [ref].

#include <algorithm>

#include "session_impl.hpp"

namespace keynote {

using Impl = Session::Impl;

namespace {
constexpr int kMaxPasses = 32;
}  // namespace

Outcome<std::size_t> Session::query(std::span<const std::string_view> values) {
  return impl_->run(values, nullptr);
}

Outcome<std::size_t> Session::query(std::span<const std::string> values) {
  std::vector<std::string_view> views(values.begin(), values.end());
  return impl_->run(views, nullptr);
}

Outcome<Explanation> Session::explain(std::span<const std::string_view> values) {
  Explanation out;
  auto r = impl_->run(values, &out);
  if (!r) return r.error();
  return out;
}

void Impl::markRelevant() {
  stack.clear();
  touched.clear();
  auto markEntry = [&](std::uint32_t slot) {
    Entry& e = entries[slot];
    if (e.relevantEpoch == epoch) return;
    e.relevantEpoch = epoch;
    Principal& author = principals[static_cast<std::size_t>(e.authorizer)];
    if (author.listEpoch != epoch) {
      author.listEpoch = epoch;
      author.relevant.clear();
    }
    author.relevant.push_back(slot);
    if (author.relevant.size() == 2) touched.push_back(e.authorizer);
    stack.push_back(e.authorizer);
  };
  for (const Requester& r : requesters) stack.push_back(r.pid);
  for (std::uint32_t slot : open) {
    if (entries[slot].valid) markEntry(slot);
  }
  while (!stack.empty()) {
    const std::int32_t pid = stack.back();
    stack.pop_back();
    Principal& p = principals[static_cast<std::size_t>(pid)];
    if (p.visitEpoch == epoch) continue;
    p.visitEpoch = epoch;
    for (std::uint32_t slot : p.byLicensee) markEntry(slot);
  }
  // Evaluate in assertion order, as kn_do_query would meet them.
  for (std::int32_t pid : touched) {
    std::vector<std::uint32_t>& list = principals[static_cast<std::size_t>(pid)].relevant;
    std::sort(list.begin(), list.end(),
              [&](std::uint32_t x, std::uint32_t y) { return entries[x].id < entries[y].id; });
  }
}

Outcome<std::size_t> Impl::run(std::span<const std::string_view> queryValues,
                               Explanation* explanation) {
  if (queryValues.empty())
    return makeError("invalid", "a query needs at least one compliance value");
  if (queryValues.size() > limits.maxValues) {
    return makeError("limit",
                     "more than " + std::to_string(limits.maxValues) + " compliance values");
  }
  if (requesters.empty()) {
    return makeError("not-found", "no requesting principal (action authorizer) was given");
  }
  ++epoch;
  values.assign(queryValues.begin(), queryValues.end());
  env.values = &values;
  env.attributes = &actions;
  env.fallback = fallback ? &fallback : nullptr;
  env.actionAuthorizers = authorizerList;
  env.valuesListReady = false;
  env.work = static_cast<std::uint64_t>(limits.maxStringBytes) * 1024;
  limitFailures.clear();
  explaining = explanation != nullptr;
  traces.clear();

  markRelevant();

  std::uint32_t result = 0;
  for (int n = 0;; ++n) {
    result = evaluateRoots();
    if (!cycleHit) break;
    bool changed = false;
    for (std::uint32_t slot : evaluated) {
      Entry& e = entries[slot];
      if (e.prevEpoch != epoch || e.prevResult != e.result) changed = true;
      e.prevEpoch = epoch;
      e.prevResult = e.result;
    }
    if (!changed) break;
    if (n + 1 >= kMaxPasses) {
      for (std::uint32_t slot : evaluated) {
        limitFailures.push_back(
            {entries[slot].id, FailureKind::Limit,
             "delegation cycles did not settle in " + std::to_string(kMaxPasses) + " passes"});
      }
      break;
    }
  }
  if (explanation != nullptr) {
    explanation->values.assign(values.begin(), values.end());
    explanation->value = result;
    buildExplanation(*explanation);
  }
  explaining = false;
  return static_cast<std::size_t>(result);
}

std::uint32_t Impl::evaluateRoots() {
  ++pass;
  cycleHit = false;
  evaluated.clear();
  const auto top = static_cast<std::uint32_t>(values.size() - 1);
  std::uint32_t result = 0;
  Principal& root = principals[static_cast<std::size_t>(policy)];
  if (root.listEpoch != epoch) return 0;
  const std::vector<std::uint32_t>& roots = root.relevant;
  for (std::size_t i = 0; i < roots.size(); ++i) {
    if (!entries[roots[i]].trusted) continue;
    result = std::max(result, evalEntry(roots[i], 0));
    if (result == top && !explaining) break;
  }
  return result;
}

std::uint32_t Impl::evalEntry(std::uint32_t slot, std::size_t depth) {
  Entry& e = entries[slot];
  if (e.stateEpoch == pass) {
    if (e.state == State::Done) return e.result;
    cycleHit = true;  // a back edge: what it was worth in the previous pass
    return e.prevEpoch == epoch ? e.prevResult : 0;
  }
  e.stateEpoch = pass;
  evaluated.push_back(slot);
  e.state = State::InProgress;
  e.cond = 0;
  e.lic = 0;
  e.result = 0;
  e.depthLimited = false;
  std::uint32_t result = 0;
  if (e.valid) {
    detail::ConditionTrace* trace = nullptr;
    if (explaining) {
      trace = &traces[slot];
      trace->clauses.clear();  // a later pass explains afresh
    }
    const std::uint64_t before = env.work;
    e.cond = static_cast<std::uint32_t>(evaluator.conditions(*e.a, env, trace));
    if (env.work == 0 && before != 0) {
      limitFailures.push_back(
          {e.id, FailureKind::Limit, "evaluation work limit of the query exhausted in Conditions"});
    }
    if (e.cond > 0) {
      const Assertion& a = *e.a;
      if (!a.hasLicensees) {
        e.lic = static_cast<std::uint32_t>(values.size() - 1);
      } else if (!a.licensees.empty()) {
        e.lic = licenseeValue(e, static_cast<std::uint32_t>(a.licensees.size() - 1), depth);
      }
      result = std::min(e.cond, e.lic);
      // Signatures are checked lazily: only for a credential that would
      // otherwise grant something, and once per session.
      if (result > 0 && !e.trusted && !signatureOk(e)) result = 0;
    }
  }
  e.result = result;
  e.state = State::Done;
  return result;
}

std::uint32_t Impl::licenseeValue(Entry& e, std::uint32_t node, std::size_t depth) {
  const LicenseeNode& n = e.a->licensees[node];
  const auto top = static_cast<std::uint32_t>(values.size() - 1);
  switch (n.kind) {
    case LicenseeNode::Kind::Principal: return principalValue(e.leaves[n.principal], depth + 1);
    case LicenseeNode::Kind::And: {
      std::uint32_t v = top;
      for (std::uint32_t child : n.children) {
        v = std::min(v, licenseeValue(e, child, depth));
        if (v == 0) break;
      }
      return v;
    }
    case LicenseeNode::Kind::Or: {
      std::uint32_t v = 0;
      for (std::uint32_t child : n.children) {
        v = std::max(v, licenseeValue(e, child, depth));
        if (v == top) break;
      }
      return v;
    }
    case LicenseeNode::Kind::KOf: {
      // The K-th highest of the values, counted with multiplicity.
      std::vector<std::uint32_t> counts(values.size(), 0);
      for (std::uint32_t child : n.children) ++counts[licenseeValue(e, child, depth)];
      std::int64_t k = n.k;
      for (std::size_t v = values.size(); v-- > 0;) {
        k -= counts[v];
        if (k <= 0) return static_cast<std::uint32_t>(v);
      }
      return 0;
    }
  }
  return 0;
}

std::uint32_t Impl::principalValue(std::int32_t pid, std::size_t depth) {
  Principal& p = principals[static_cast<std::size_t>(pid)];
  const auto top = static_cast<std::uint32_t>(values.size() - 1);
  if (p.requester > 0) return top;
  if (p.listEpoch != epoch || p.relevant.empty()) return 0;
  if (depth > limits.maxDelegationDepth) {
    for (std::uint32_t slot : p.relevant) {
      Entry& e = entries[slot];
      if (e.stateEpoch != pass && !e.depthLimited) {
        e.depthLimited = true;
        limitFailures.push_back({e.id, FailureKind::Limit,
                                 "delegation chain longer than " +
                                     std::to_string(limits.maxDelegationDepth) + " assertions"});
      }
    }
    return 0;
  }
  std::uint32_t best = 0;
  // By index: evaluation may reach this principal again (a cycle), which
  // reads the same list; nothing modifies it during the query.
  for (std::size_t i = 0; i < p.relevant.size(); ++i) {
    best = std::max(best, evalEntry(p.relevant[i], depth));
    if (best == top && !explaining) break;
  }
  return best;
}

bool Impl::signatureOk(Entry& e) {
  if (e.sig == Sig::Unchecked) {
    const Assertion& a = *e.a;
    if (!a.hasSignature || a.signature.empty()) {
      e.sig = Sig::Bad;
      e.sigCheck = SignatureCheck::Malformed;
    } else {
      signedBytes.assign(a.signedRegion());
      signedBytes += a.signatureAlgorithm;
      e.sigCheck = crypto.verify(signedBytes, a.authorizer, a.signature);
      e.sig = e.sigCheck == SignatureCheck::Verified ? Sig::Good : Sig::Bad;
    }
  }
  return e.sig == Sig::Good;
}

}  // namespace keynote
