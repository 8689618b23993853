#include "keyfed/policy/policy_point.hpp"

#include <algorithm>

#include "keyfed/policy/fac_gate.hpp"

namespace keyfed::policy {

void PolicyPoint::addDecider(std::shared_ptr<const Decider> decider) {
  deciders_.push_back(std::move(decider));
}

void PolicyPoint::replaceDecider(std::shared_ptr<const Decider> decider) {
  auto it = std::find_if(deciders_.begin(), deciders_.end(),
                         [&](const auto& d) { return d->name() == decider->name(); });
  if (it == deciders_.end()) {
    deciders_.push_back(std::move(decider));
  } else {
    *it = std::move(decider);
  }
}

Decision PolicyPoint::decideStream(const PeerFacts& facts) const {
  std::optional<Decision> allow;
  for (const auto& decider : deciders_) {
    Decision d = decider->decideStream(facts);
    if (d.verdict == Verdict::deny) return d;
    if (d.verdict == Verdict::allow && !allow) allow = std::move(d);
  }
  if (allow) return *allow;
  if (defaultAllow_) return Decision::allow("default", "federation is open by configuration");
  return Decision::deny("default", facts.peerDomain +
                                       " is not on any allow list (federation is closed by "
                                       "default)");
}

Decision PolicyPoint::decideStanza(const StanzaFacts& facts) const {
  if (isAgentExchange(facts)) {
    return Decision::allow("fac", "an exchange between FAC agents (always allowed)");
  }
  // Deciders see the body as masked by those before them.
  std::optional<StanzaFacts> masked;
  std::optional<Decision> allow;
  bool log = false;
  for (const auto& decider : deciders_) {
    Decision d = decider->decideStanza(masked ? *masked : facts);
    log = log || d.log;
    if (d.verdict == Verdict::deny) {
      d.log = log;
      return d;
    }
    if (d.body) {
      if (!masked) masked = facts;
      masked->body = *d.body;
    }
    if (d.verdict == Verdict::allow && !allow) allow = std::move(d);
  }
  Decision out = allow ? std::move(*allow) : Decision::allow("default", "no stanza rule applies");
  out.log = log;
  out.body = masked ? masked->body : std::nullopt;
  return out;
}

void PolicyPoint::changed() {
  ++generation_;
  // Copy: a listener may register another.
  auto listeners = listeners_;
  for (auto& listener : listeners) listener();
}

}  // namespace keyfed::policy
