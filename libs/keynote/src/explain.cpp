// Explanations of a query (keynote/explanation.hpp): the chains that produced
// the answer and, for every assertion that was considered but gave less, the
// reason, down to the Conditions clause and the values it compared.

#include <algorithm>
#include <functional>

#include "session_impl.hpp"

namespace keynote {

using Impl = Session::Impl;

const char* noteKindName(NoteKind kind) {
  switch (kind) {
    case NoteKind::ConditionsFailed: return "conditions";
    case NoteKind::LicenseesUnsatisfied: return "licensees";
    case NoteKind::SignatureFailed: return "signature";
    case NoteKind::SyntaxError: return "syntax";
    case NoteKind::DepthLimit: return "depth-limit";
    case NoteKind::WorkLimit: return "work-limit";
  }
  return "note";
}

namespace {

constexpr std::size_t kMaxChains = 16;

// Keys run to hundreds of characters; show their ends.
std::string shortPrincipal(const std::string& p) {
  if (p.size() <= 48) return "\"" + p + "\"";
  return "\"" + p.substr(0, 28) + "..." + p.substr(p.size() - 12) + "\"";
}

std::string label(const std::string& name, const std::string& principal) {
  if (name.empty()) return shortPrincipal(principal);
  return name + " " + shortPrincipal(principal);
}

// The Local-Constants name an assertion gave a principal, if any.
std::string constantName(const Assertion& a, const std::string& principal) {
  for (const auto& [name, value] : a.localConstants) {
    if (value == principal) return name;
  }
  return {};
}

}  // namespace

void Impl::buildExplanation(Explanation& out) {
  const auto top = static_cast<std::uint32_t>(values.size() - 1);
  const auto result = static_cast<std::uint32_t>(out.value);
  for (const Requester& r : requesters) out.requesters.push_back(r.text);

  // Value of a principal / licensee node from this query's memo.
  auto principalMemo = [&](std::int32_t pid) -> std::uint32_t {
    const Principal& p = principals[static_cast<std::size_t>(pid)];
    if (p.requester > 0) return top;
    if (p.listEpoch != epoch) return 0;
    std::uint32_t best = 0;
    for (std::uint32_t slot : p.relevant) {
      const Entry& e = entries[slot];
      if (e.stateEpoch == pass && e.state == State::Done) best = std::max(best, e.result);
    }
    return best;
  };
  std::function<std::uint32_t(const Entry&, std::uint32_t)> nodeValue =
      [&](const Entry& e, std::uint32_t node) -> std::uint32_t {
    const LicenseeNode& n = e.a->licensees[node];
    switch (n.kind) {
      case LicenseeNode::Kind::Principal: return principalMemo(e.leaves[n.principal]);
      case LicenseeNode::Kind::And: {
        std::uint32_t v = top;
        for (std::uint32_t c : n.children) v = std::min(v, nodeValue(e, c));
        return v;
      }
      case LicenseeNode::Kind::Or: {
        std::uint32_t v = 0;
        for (std::uint32_t c : n.children) v = std::max(v, nodeValue(e, c));
        return v;
      }
      case LicenseeNode::Kind::KOf: {
        std::vector<std::uint32_t> vs;
        for (std::uint32_t c : n.children) vs.push_back(nodeValue(e, c));
        std::sort(vs.rbegin(), vs.rend());
        return n.k >= 1 && n.k <= vs.size() ? vs[n.k - 1] : 0;
      }
    }
    return 0;
  };
  // Leaves (principal indexes) that carry a value of at least v.
  std::function<void(const Entry&, std::uint32_t, std::uint32_t, std::vector<std::uint32_t>&)>
      support = [&](const Entry& e, std::uint32_t node, std::uint32_t v,
                    std::vector<std::uint32_t>& leaves) {
        const LicenseeNode& n = e.a->licensees[node];
        switch (n.kind) {
          case LicenseeNode::Kind::Principal: leaves.push_back(n.principal); return;
          case LicenseeNode::Kind::And:
            for (std::uint32_t c : n.children) support(e, c, v, leaves);
            return;
          case LicenseeNode::Kind::Or:
            for (std::uint32_t c : n.children) {
              if (nodeValue(e, c) >= v) {
                support(e, c, v, leaves);
                return;
              }
            }
            return;
          case LicenseeNode::Kind::KOf: {
            std::uint32_t taken = 0;
            for (std::uint32_t c : n.children) {
              if (taken < n.k && nodeValue(e, c) >= v) {
                support(e, c, v, leaves);
                ++taken;
              }
            }
            return;
          }
        }
      };

  // ---- chains ----------------------------------------------------------------
  std::vector<std::uint32_t> path;
  std::vector<ChainLink> links;
  std::function<void(std::uint32_t, std::uint32_t)> walk = [&](std::uint32_t slot,
                                                               std::uint32_t v) {
    if (out.chains.size() >= kMaxChains) return;
    const Entry& e = entries[slot];
    ChainLink link;
    link.assertion = e.id;
    link.authorizer = e.a->authorizer;
    link.authorizerName = constantName(*e.a, e.a->authorizer);
    link.value = std::string(values[e.result]);
    link.line = e.a->firstLine;
    path.push_back(slot);
    if (!e.a->hasLicensees) {
      links.push_back(link);
      out.chains.push_back({links, {}});
      links.pop_back();
      path.pop_back();
      return;
    }
    std::vector<std::uint32_t> leaves;
    support(e, static_cast<std::uint32_t>(e.a->licensees.size() - 1), v, leaves);
    for (std::uint32_t leaf : leaves) {
      link.licensee = e.a->principals[leaf];
      link.licenseeName = constantName(*e.a, link.licensee);
      links.push_back(link);
      const std::int32_t pid = e.leaves[leaf];
      const Principal& p = principals[static_cast<std::size_t>(pid)];
      if (p.requester > 0) {
        out.chains.push_back({links, link.licensee});
      } else if (p.listEpoch == epoch) {
        for (std::uint32_t next : p.relevant) {
          const Entry& n = entries[next];
          if (n.stateEpoch == pass && n.state == State::Done && n.result >= v &&
              std::find(path.begin(), path.end(), next) == path.end()) {
            walk(next, v);
            break;
          }
        }
      }
      links.pop_back();
    }
    path.pop_back();
  };
  if (result > 0) {
    const Principal& root = principals[static_cast<std::size_t>(policy)];
    if (root.listEpoch == epoch) {
      for (std::uint32_t slot : root.relevant) {
        const Entry& e = entries[slot];
        if (e.trusted && e.stateEpoch == pass && e.state == State::Done && e.result == result) {
          walk(slot, result);
        }
      }
    }
  }

  // ---- notes -----------------------------------------------------------------
  std::vector<std::uint32_t> slots;
  for (std::uint32_t slot = 0; slot < entries.size(); ++slot) {
    const Entry& e = entries[slot];
    if (e.alive && (!e.valid || e.stateEpoch == pass)) slots.push_back(slot);
  }
  std::sort(slots.begin(), slots.end(),
            [&](std::uint32_t x, std::uint32_t y) { return entries[x].id < entries[y].id; });
  for (std::uint32_t slot : slots) {
    const Entry& e = entries[slot];
    const Assertion& a = *e.a;
    AssertionNote note;
    note.assertion = e.id;
    note.authorizer = a.authorizer;
    note.authorizerName = constantName(a, a.authorizer);
    note.value = std::string(values[e.valid ? e.result : 0]);
    if (!e.valid) {
      note.kind = NoteKind::SyntaxError;
      note.detail = a.error->describe();
      out.notes.push_back(std::move(note));
      continue;
    }
    if (e.result >= top) continue;
    bool work = false;
    for (const AssertionFailure& f : limitFailures) {
      if (f.id == e.id && f.message.find("work limit") != std::string::npos) work = true;
    }
    if (e.depthLimited) {
      note.kind = NoteKind::DepthLimit;
      note.detail = "delegation chain longer than " + std::to_string(limits.maxDelegationDepth) +
                    " assertions";
    } else if (work) {
      note.kind = NoteKind::WorkLimit;
      note.detail = "the query's evaluation budget ran out in this assertion's Conditions";
    } else if (e.cond > 0 && e.lic > 0 && e.sig == Sig::Bad) {
      note.kind = NoteKind::SignatureFailed;
      note.detail = signatureFailure(a, e.sigCheck);
    } else if (e.cond <= e.lic || e.cond == 0) {
      note.kind = NoteKind::ConditionsFailed;
      note.detail = e.cond == 0 ? "no clause of Conditions holds"
                                : "Conditions give \"" + std::string(values[e.cond]) + "\"";
      auto t = traces.find(slot);
      if (t != traces.end()) {
        for (const detail::ClauseTrace& c : t->second.clauses) {
          const Clause& clause = a.conditions.clauses[c.clause];
          auto [line, column] = a.position(clause.span.begin);
          std::string head = "\n" + std::string(static_cast<std::size_t>(c.depth) * 2, ' ') +
                             "clause at line " + std::to_string(line) + ", column " +
                             std::to_string(column) + ": ";
          if (!c.held) {
            note.detail += head + "test fails: " + c.detail;
          } else if (c.value < top && c.detail != "block") {
            note.detail += head + "holds with " + c.detail;
          }
        }
      }
    } else {
      note.kind = NoteKind::LicenseesUnsatisfied;
      if (a.licensees.empty()) {
        note.detail = "the Licensees field is empty: the assertion licenses nobody";
      } else {
        note.detail = "Licensees give \"" + std::string(values[e.lic]) + "\":";
        for (std::size_t i = 0; i < a.principals.size(); ++i) {
          const std::int32_t pid = e.leaves[i];
          const std::uint32_t v = principalMemo(pid);
          const Principal& p = principals[static_cast<std::size_t>(pid)];
          note.detail += "\n  " + label(constantName(a, a.principals[i]), a.principals[i]) +
                         " has \"" + std::string(values[v]) + "\"";
          if (v == 0 && p.requester == 0) {
            note.detail += p.listEpoch == epoch
                               ? " (its assertions grant nothing here)"
                               : " (not a requester, and no assertion it issued applies)";
          }
        }
      }
    }
    out.notes.push_back(std::move(note));
  }

  // ---- remarks -----------------------------------------------------------------
  bool anyPolicy = false;
  for (std::uint32_t slot : principals[static_cast<std::size_t>(policy)].byAuthor) {
    if (entries[slot].trusted) anyPolicy = true;
  }
  if (!anyPolicy) {
    out.remarks.push_back("there is no trusted assertion with Authorizer \"POLICY\"");
  } else if (principals[static_cast<std::size_t>(policy)].listEpoch != epoch) {
    out.remarks.push_back(
        "no POLICY assertion delegates, directly or through credentials, to the requesting "
        "principal(s)");
  }
}

std::string Explanation::text() const {
  std::string out;
  auto name = [&](std::size_t i) { return "\"" + (i < values.size() ? values[i] : "?") + "\""; };
  out += "Result: " + name(value) + " (compliance values, lowest first:";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i == 0 ? " " : ", ") + name(i);
  out += ")";
  out += "\nRequesters:";
  for (std::size_t i = 0; i < requesters.size(); ++i) {
    out += (i == 0 ? " " : ", ") + shortPrincipal(requesters[i]);
  }
  out += "\n";
  if (chains.empty()) {
    out += value == 0 ? "No delegation chain grants more than " + name(0) + ".\n"
                      : "No chain to show.\n";
  }
  for (std::size_t i = 0; i < chains.size(); ++i) {
    out += "Chain " + std::to_string(i + 1) + ":\n";
    for (const ChainLink& l : chains[i].links) {
      out += "  assertion " + std::to_string(l.assertion) + " (line " + std::to_string(l.line) +
             "): " + label(l.authorizerName, l.authorizer) + " -> " +
             (l.licensee.empty() ? std::string("anyone") : label(l.licenseeName, l.licensee)) +
             " gives \"" + l.value + "\"\n";
    }
    if (!chains[i].requester.empty()) {
      out += "  ends at requester " + shortPrincipal(chains[i].requester) + "\n";
    }
  }
  for (const AssertionNote& n : notes) {
    out += "Assertion " + std::to_string(n.assertion) + " by " +
           label(n.authorizerName, n.authorizer) + " gives \"" + n.value + "\" [" +
           noteKindName(n.kind) + "]: ";
    std::string detail = n.detail;
    for (std::size_t p = 0; (p = detail.find('\n', p)) != std::string::npos; p += 3) {
      detail.replace(p, 1, "\n  ");
    }
    out += detail + "\n";
  }
  for (const std::string& r : remarks) out += "Note: " + r + "\n";
  return out;
}

}  // namespace keynote
