#pragma once
// The one place every federation decision passes through. s2s asks before a
// stream, in or out, is used; the FAC agent and the clearinghouse add deciders
// and announce changes, after which s2s re-asks for every live stream and
// closes those no longer allowed.
//
// Combination (docs/federation.md): any deny wins; otherwise an allow from
// any decider allows; when every decider abstains the configured default
// applies. Fail closed: a decider that cannot decide must deny, not abstain.
//
// Stanzas (docs/policy.md, "Stanza decisions"): every stanza crossing a
// server-to-server stream is asked about with decideStanza(), inbound by s2s
// and outbound by the stanza-policy module (components/agent). FAC agent
// exchanges (fac_gate.hpp) are allowed first; then any deny wins, and when no
// decider denies the stanza passes (the stream decision already admitted the
// peer), with the body a content filter may have masked.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "keyfed/policy/decision.hpp"
#include "keyfed/policy/facts.hpp"
#include "keyfed/policy/stanza_facts.hpp"

namespace keyfed::policy {

class Decider {
 public:
  virtual ~Decider() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  [[nodiscard]] virtual Decision decideStream(const PeerFacts& facts) const = 0;
  // A stanza crossing s2s. Deny to stop it (silent: drop, else bounce), or
  // return a masked body; deciders that only judge streams abstain.
  [[nodiscard]] virtual Decision decideStanza(const StanzaFacts& facts) const {
    (void)facts;
    return Decision::abstain();
  }
};

class PolicyPoint {
 public:
  // `defaultAllow`: the answer when every decider abstains.
  explicit PolicyPoint(bool defaultAllow = false) : defaultAllow_(defaultAllow) {}

  void addDecider(std::shared_ptr<const Decider> decider);
  // Replaces the decider with the same name (config reload), or adds it.
  void replaceDecider(std::shared_ptr<const Decider> decider);
  void setDefaultAllow(bool allow) { defaultAllow_ = allow; }
  // Whether a FAC agent answers here (the agent module sets it when it
  // starts): only then does s2s keep refused peers agent-only (fac_gate.hpp).
  void setAgentReachable(bool reachable) { agentReachable_ = reachable; }
  [[nodiscard]] bool agentReachable() const { return agentReachable_; }

  [[nodiscard]] Decision decideStream(const PeerFacts& facts) const;
  // Always allow or deny. Inbound, s2s calls it for each stanza received and
  // acts on the answer: deny + silent: drop; deny: bounce with the stanza error
  // policy-violation (text: the reason); allow: apply decision.body if set
  // (applyBody), then route. Outbound, the stanza-policy module does the same
  // on route/remote before s2s sees the stanza.
  [[nodiscard]] Decision decideStanza(const StanzaFacts& facts) const;

  // Something the decisions depend on changed: bump the generation and tell
  // the listeners (s2s re-checks its live streams).
  void changed();
  [[nodiscard]] std::uint64_t generation() const { return generation_; }
  using Listener = std::function<void()>;
  void onChange(Listener listener) { listeners_.push_back(std::move(listener)); }

 private:
  std::vector<std::shared_ptr<const Decider>> deciders_;
  std::vector<Listener> listeners_;
  std::uint64_t generation_ = 0;
  bool defaultAllow_;
  bool agentReachable_ = false;
};

}  // namespace keyfed::policy
