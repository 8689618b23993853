// The agent's XMPP transport and configuration handling.

#include "keyfed/agent/module.hpp"

#include "automatic.hpp"
#include "keyfed/policy/fac_gate.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::agent {
namespace {

bool isAgentJid(const xmpp::Jid& jid, server::Server& server) {
  return !jid.hasNode() && jid.resource() == policy::kFacResource &&
         server.isLocalDomain(jid.domain());
}

}  // namespace

AgentModule::AgentModule() = default;
AgentModule::~AgentModule() = default;

base::Result<void> AgentModule::load(server::Server& server) {
  server_ = &server;
  const AgentConfig* configured = server.config().section<AgentConfig>(kSectionName);
  if (configured == nullptr || !configured->enabled) {
    server.log().debug("FAC agent disabled ([agent] enabled = false)");
    return {};
  }
  agent_ = std::make_unique<Agent>(server, *configured);
  if (auto started = agent_->start(); !started) return started;
  server.policy().setAgentReachable(true);

  const std::string requestEvent = "iq-set/full/" + std::string(policy::kFacNamespace);
  server.hooks().stanzas.hook(requestEvent, [this](server::StanzaEvent& e) {
    if (!isAgentJid(e.to, e.server)) return false;
    const xml::Element* payload = xmpp::iqPayload(e.stanza);
    if (payload == nullptr || payload->name() != "request") {
      e.server.bounce(e.stanza, xmpp::StanzaErrorCondition::badRequest,
                      "expected <request xmlns='urn:keyfed:fac:0'/>");
      return true;
    }
    Origin origin{e.from.full(), std::string(e.from.domain())};
    const Response response = agent_->handle(payload->text(), origin);
    xml::Element answer("response", std::string(policy::kFacNamespace));
    answer.addText(response.toJson());
    e.server.route(xmpp::makeIqResult(e.stanza, std::move(answer)));
    return true;
  });
  // Answers to requests our agent sent.
  server.hooks().stanzas.hook(
      "iq/full",
      [this](server::StanzaEvent& e) {
        if (!isAgentJid(e.to, e.server) || xmpp::isIqRequest(e.stanza)) return false;
        agent_->handleAnswer(e.stanza);
        return true;
      },
      10);
  // Automatic mode: ask a peer that keeps us agent-only (automatic.hpp).
  automatic_ = std::make_unique<AutomaticRequests>(*agent_);
  agent_->onAnswer([this](const Outgoing& answer) { automatic_->handleAnswer(answer); });
  server.hooks().federation.hook("s2s-agent-only", [this](server::FederationEvent& e) {
    return automatic_->handleAgentOnly(e);
  });
  server.hooks().config.hook("config-reloaded", [this](server::ConfigEvent& e) {
    const AgentConfig* next = e.next.section<AgentConfig>(kSectionName);
    if (next == nullptr || !next->enabled) {
      e.server.log().warn(
          "[agent] is disabled in the reloaded configuration; the running agent stays until "
          "restart");
      return false;
    }
    agent_->reconfigure(*next);
    return false;
  });
  return {};
}

std::unique_ptr<AgentModule> makeAgentModule() {
  return std::make_unique<AgentModule>();
}

}  // namespace keyfed::agent
