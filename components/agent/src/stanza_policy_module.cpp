// Outbound stanza decisions: every stanza leaving for another server is put
// to PolicyPoint::decideStanza before s2s sees it (docs/policy.md).

#include "keyfed/agent/module.hpp"
#include "keyfed/policy/stanza_facts.hpp"

namespace keyfed::agent {
namespace {

class StanzaPolicyModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "stanza-policy"; }

  base::Result<void> load(server::Server& server) override {
    // Above s2s (priority 0), which delivers what is not stopped here.
    server.hooks().stanzas.hook(
        "route/remote", [this](server::StanzaEvent& e) { return check(e); }, 100);
    return {};
  }

 private:
  bool check(server::StanzaEvent& e) {
    const auto facts =
        policy::stanzaFactsOf(e.stanza, policy::Direction::outbound, "", e.server.clock().now());
    if (facts.kind == "other") return false;
    const policy::Decision d = e.server.policy().decideStanza(facts);
    if (d.log || !d.allowed()) {
      log_.info("outbound {} from {} to {}: {} by {} ({})", facts.kind, facts.from, facts.to,
                d.allowed() ? "passed" : (d.silent ? "dropped" : "rejected"), d.decider, d.reason);
    }
    if (!d.allowed()) {
      if (!d.silent) {
        e.server.bounce(e.stanza, xmpp::StanzaErrorCondition::policyViolation, d.reason);
      }
      return true;  // stopped here: s2s never sees it
    }
    policy::applyBody(e.stanza, d);
    return false;
  }

  base::Logger log_{"stanza-policy"};
};

}  // namespace

std::unique_ptr<server::Module> makeStanzaPolicyModule() {
  return std::make_unique<StanzaPolicyModule>();
}

}  // namespace keyfed::agent
