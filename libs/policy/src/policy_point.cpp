#include "keyfed/policy/policy_point.hpp"

#include <algorithm>

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

void PolicyPoint::changed() {
  ++generation_;
  // Copy: a listener may register another.
  auto listeners = listeners_;
  for (auto& listener : listeners) listener();
}

}  // namespace keyfed::policy
