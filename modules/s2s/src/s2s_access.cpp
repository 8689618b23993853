// Agent-only pairs on the way out and automatic mode (agent_only.hpp,
// docs/federation.md "Agent-only pairs", docs/fac-protocol.md "Automatic
// mode"): what a ready pair may carry, the peer's errors for stanzas refused
// on arrival, and stanzas held while our agent asks the peer's for access.

#include <algorithm>
#include <optional>

#include "agent_only.hpp"
#include "keyfed/policy/fac_gate.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "s2s_module.hpp"
#include "s2s_out_session.hpp"

namespace keyfed::modules::s2s {

bool S2sModule::agentOnlyAllowed(const policy::PeerFacts& facts,
                                 const policy::Decision& refusal) const {
  // The FAC agent lives at the host (<host>/fac), never at a component
  // domain: a refused component pair could carry nothing, so it ends.
  if (server_->isComponentDomain(facts.localDomain)) return false;
  return server_->policy().agentReachable() && policy::mayReachAgent(facts, refusal);
}

bool S2sModule::deliver(const PairKey& key, Route& route, Queued& item) {
  const bool agentOnly = !route.refusedHere.empty() || !route.refusedByPeer.empty();
  if (agentOnly && !item.gateBounce &&
      !isAgentStanza(item.stanza, policy::Direction::outbound, route.session->remoteAddress(),
                     server_->clock().now())) {
    if (route.refusedHere.empty() && route.asking) return false;  // waits for the answer
    const std::string& reason = route.refusedHere.empty() ? route.refusedByPeer : route.refusedHere;
    log_.info("s2s agent-only: bounced <{} type='{}'/> {} -> {}", item.stanza.name(),
              item.stanza.attr("type"), item.stanza.attr("from"), item.stanza.attr("to"));
    bounce(item.stanza, xmpp::StanzaErrorCondition::policyViolation,
           agentOnlyText(key.second, reason));
    return true;
  }
  route.session->send(item.stanza);
  return true;
}

void S2sModule::bounceToPeer(const xml::Element& stanza, const std::string& text) {
  if (!xmpp::canReplyWithError(stanza) || stanza.attr("from").empty()) return;
  xmpp::StanzaError error;
  error.condition = xmpp::StanzaErrorCondition::policyViolation;
  error.text = text;
  xml::Element reply = xmpp::stanzaKind(stanza) == xmpp::StanzaKind::iq
                           ? xmpp::makeIqError(stanza, error)
                           : xmpp::makeErrorReply(stanza, error);
  auto from = xmpp::Jid::parse(reply.attr("from"));
  auto to = xmpp::Jid::parse(reply.attr("to"));
  if (!from || !to) return;
  enqueue({std::string(from->domain()), std::string(to->domain())}, Queued{std::move(reply), true});
}

void S2sModule::pairAdmitted(S2sOutSession& session, const std::string& local) {
  const PairKey key{local, session.remoteDomain()};
  auto it = routes_.find(key);
  if (it == routes_.end() || it->second.session != &session) return;
  it->second.refusedHere.clear();
  if (!it->second.refusedByPeer.empty()) askForAccess(key, it->second);
  flush(key, it->second);
}

void S2sModule::peerAdmitted(S2sOutSession& session, const std::string& local) {
  const PairKey key{local, session.remoteDomain()};
  auto it = routes_.find(key);
  if (it == routes_.end() || it->second.session != &session) return;
  it->second.refusedByPeer.clear();
  it->second.asking = false;
  flush(key, it->second);
}

// --- automatic mode ----------------------------------------------------------------------------

// The peer keeps the pair agent-only: when stanzas wait and the FAC agent
// holds credentials for the peer, it asks the peer's agent; they wait for the
// answer (bounded). Otherwise they are bounced with the peer's reason.
void S2sModule::askForAccess(const PairKey& key, Route& route) {
  if (route.asking || route.queue.empty()) return;
  const bool waiting = std::any_of(route.queue.begin(), route.queue.end(), [&](const Queued& q) {
    return !q.gateBounce &&
           !isAgentStanza(q.stanza, policy::Direction::outbound, "", server_->clock().now());
  });
  if (!waiting) return;
  server::FederationEvent event{*server_, key.first, key.second, route.refusedByPeer};
  if (!server_->hooks().federation.fire("s2s-agent-only", event) || event.holdFor.count() <= 0) {
    return;
  }
  log_.info(
      "s2s: {} keeps {} -> {} agent-only ({}); the FAC agent asks for access, {} stanzas "
      "wait at most {} s",
      key.second, key.first, key.second, route.refusedByPeer, route.queue.size(),
      event.holdFor.count());
  route.asking = true;
  route.holdUntil = server_->clock().steadyNow() + event.holdFor;
  armHoldTimer();
}

void S2sModule::accessAnswered(std::string_view remote, bool granted, std::string_view reason) {
  for (auto& [key, route] : routes_) {
    if (key.second != remote) continue;
    if (!granted && !route.asking) continue;
    route.asking = false;
    if (granted) {
      route.refusedByPeer.clear();
    } else {
      route.refusedByPeer = std::string(reason);
    }
    log_.info("s2s: the agent of {} {} access for {} -> {}{}{}", remote,
              granted ? "granted" : "refused", key.first, key.second, reason.empty() ? "" : ": ",
              reason);
    if (route.state == Route::State::ready && route.session != nullptr) flush(key, route);
  }
}

void S2sModule::armHoldTimer() {
  std::optional<std::chrono::steady_clock::time_point> next;
  for (const auto& [key, route] : routes_) {
    if (route.asking && (!next || route.holdUntil < *next)) next = route.holdUntil;
  }
  if (!next) {
    holdTimer_->cancel();
    return;
  }
  const auto wait =
      std::max(*next - server_->clock().steadyNow(), std::chrono::steady_clock::duration{0});
  holdTimer_->start(wait + std::chrono::milliseconds(10), [this] { onHoldTimer(); });
}

void S2sModule::onHoldTimer() {
  const auto now = server_->clock().steadyNow();
  for (auto& [key, route] : routes_) {
    if (!route.asking || now < route.holdUntil) continue;
    route.asking = false;
    route.refusedByPeer = "no answer from the FAC agent of " + key.second + " in time";
    log_.info("s2s: {}", route.refusedByPeer);
    if (route.state == Route::State::ready && route.session != nullptr) {
      flush(key, route);
    } else {
      bounceQueue(route, xmpp::StanzaErrorCondition::policyViolation, route.refusedByPeer);
    }
  }
  armHoldTimer();
}

}  // namespace keyfed::modules::s2s
