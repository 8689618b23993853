#pragma once
// Automatic mode (the paper's future work; docs/fac-protocol.md, "Automatic
// mode"): when a peer keeps an outgoing s2s pair agent-only (it refused this
// server) and [[agent.automatic]] holds credentials for that peer, this
// server's agent signs the configured request and sends it to the peer's
// agent by itself. s2s holds the waiting stanzas meanwhile (at most `wait`
// seconds) and delivers them when the answer is a grant, or bounces them with
// the peer's reason.

#include <map>
#include <string>

#include "keyfed/agent/agent.hpp"
#include "keyfed/server/events.hpp"

namespace keyfed::agent {

class AutomaticRequests {
 public:
  explicit AutomaticRequests(Agent& agent) : agent_(agent) {}

  // "s2s-agent-only": true when a request went out (event.holdFor is set).
  bool handleAgentOnly(server::FederationEvent& event);
  // An answer to a request the agent sent (Agent::onAnswer).
  void handleAnswer(const Outgoing& answer);

  // At most one request per peer domain is in flight; one unanswered after
  // its `wait` is forgotten, so the next refusal asks again.
  [[nodiscard]] std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    std::string peer;
    base::SystemTime until;
  };
  Agent& agent_;
  std::map<std::string, Pending, std::less<>> pending_;  // by iq id
  base::Logger log_{"agent"};
};

}  // namespace keyfed::agent
