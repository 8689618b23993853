#pragma once
// The FAC agent in the server (docs/fac-protocol.md):
//
// - makeAgentModule(): reads [agent]; when enabled, starts the Agent, answers
//   iq set to <domain>/fac with a <request xmlns='urn:keyfed:fac:0'/> (the
//   JSON request as text) with an iq result holding <response/> (the JSON
//   answer), takes answers to requests it sent, applies reloaded
//   configurations ("config-reloaded").
// - makeStanzaPolicyModule(): asks PolicyPoint::decideStanza about every
//   stanza leaving for another server (route/remote, before s2s) and drops,
//   bounces or masks it as decided. Inbound stanzas are s2s's to check.
// - registerAgentAdminCommands(): fac-submit, fac-send, fac-result, audit,
//   policy-list, policy-add, policy-revoke on the admin socket (docs/admin.md).
//
// Composition (apps/keyfed): register the config section with
// registerAgentConfig() (config.hpp), add both modules before s2s, and pass
// the agent module to registerAgentAdminCommands(). The HTTPS transport, the
// c2s filter and the audit caps are modules of their own (below).

#include <memory>

#include "keyfed/agent/agent.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::server {
class AdminService;
}
namespace keyfed::http {
class Router;
}

namespace keyfed::agent {

class AutomaticRequests;

class AgentModule final : public server::Module {
 public:
  AgentModule();
  ~AgentModule() override;
  [[nodiscard]] std::string_view name() const override { return "agent"; }
  base::Result<void> load(server::Server& server) override;
  // nullptr while the agent is disabled ([agent] enabled = false).
  [[nodiscard]] Agent* agent() { return agent_.get(); }
  // The server the module was loaded into (nullptr before load()).
  [[nodiscard]] server::Server* server() { return server_; }

 private:
  std::unique_ptr<Agent> agent_;
  std::unique_ptr<AutomaticRequests> automatic_;  // automatic mode (automatic.hpp)
  server::Server* server_ = nullptr;
};

std::unique_ptr<AgentModule> makeAgentModule();
std::unique_ptr<server::Module> makeStanzaPolicyModule();
// POST /fac/request on the HTTPS listeners (https_transport.cpp); serves
// nothing while the agent is disabled.
std::unique_ptr<server::Module> makeFacHttpsModule(AgentModule& agent, http::Router& routes);
// Live packet-filter rules naming users or groups, enforced between local
// users (c2s_filter_module.cpp, docs/policy.md).
std::unique_ptr<server::Module> makeC2sFilterModule(AgentModule& agent);
// Bounds the audit log by age and row count (audit_caps_module.cpp).
std::unique_ptr<server::Module> makeAuditCapsModule();

void registerAgentAdminCommands(server::AdminService& admin, AgentModule& module);

}  // namespace keyfed::agent
