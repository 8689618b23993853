// Packet filters on c2s (docs/policy.md, "Packet filters on c2s"): live
// packet-filter rules that name a user or a group also judge stanzas between
// two local users, which never cross s2s. Two places see them:
//
// - pre-<kind>/<bare|full>: what a local client sends to another local user;
// - <kind>/<bare|full>: what the server sends on a user's behalf (presence
//   broadcast, subscription handling), recognised by having no origin.
//
// A user's traffic with its own account and with the server is never
// filtered, so a rule cannot lock anyone out of their roster. With no such
// rule, each stanza costs one counter test and no allocation.

#include <array>

#include "keyfed/agent/module.hpp"
#include "keyfed/policy/stanza_facts.hpp"

namespace keyfed::agent {
namespace {

class C2sFilterModule final : public server::Module {
 public:
  explicit C2sFilterModule(AgentModule& agent) : agent_(agent) {}

  [[nodiscard]] std::string_view name() const override { return "c2s-filter"; }

  base::Result<void> load(server::Server& server) override {
    if (agent_.agent() == nullptr) return {};  // no live policy without the agent
    // Above every feature module, so a filtered stanza reaches none of them.
    constexpr int kPriority = 1000;
    static constexpr std::array kFromClients{"pre-message/bare",  "pre-message/full",
                                             "pre-presence/bare", "pre-presence/full",
                                             "pre-iq/bare",       "pre-iq/full"};
    for (const char* event : kFromClients) {
      server.hooks().stanzas.hook(
          event, [this](server::StanzaEvent& e) { return check(e); }, kPriority);
    }
    static constexpr std::array kDeliveries{"message/bare",  "message/full", "presence/bare",
                                            "presence/full", "iq/bare",      "iq/full"};
    for (const char* event : kDeliveries) {
      server.hooks().stanzas.hook(
          event,
          [this](server::StanzaEvent& e) {
            // Clients were judged at pre-, s2s streams by s2s.
            return e.origin == nullptr && check(e);
          },
          kPriority);
    }
    return {};
  }

 private:
  bool check(server::StanzaEvent& e) {
    const Agent* agent = agent_.agent();
    if (!agent->live().hasUserRules()) return false;
    if (!e.from.hasNode() || !e.to.hasNode() || e.from.bareView() == e.to.bareView()) return false;
    if (!e.server.isLocalDomain(e.from.domain()) || !e.server.isLocalDomain(e.to.domain())) {
      return false;
    }
    const auto facts =
        policy::stanzaFactsOf(e.stanza, policy::Direction::outbound, "", e.server.clock().now());
    const policy::Decision d = agent->live().decideLocalStanza(facts);
    if (d.log || d.verdict == policy::Verdict::deny) {
      log_.info("c2s {} from {} to {}: {} by {} ({})", facts.kind, facts.from, facts.to,
                d.allowed() ? "passed" : (d.silent ? "dropped" : "rejected"), d.decider, d.reason);
    }
    if (d.verdict != policy::Verdict::deny) return false;
    if (!d.silent) e.server.bounce(e.stanza, xmpp::StanzaErrorCondition::policyViolation, d.reason);
    return true;
  }

  AgentModule& agent_;
  base::Logger log_{"c2s-filter"};
};

}  // namespace

std::unique_ptr<server::Module> makeC2sFilterModule(AgentModule& agent) {
  return std::make_unique<C2sFilterModule>(agent);
}

}  // namespace keyfed::agent
