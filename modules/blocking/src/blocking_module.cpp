// XEP-0191 Blocking Command: loading (what is hooked where, and why).
#include "blocking_module.hpp"

#include "keyfed/modules/blocking.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules {
namespace blocking {

base::Result<void> BlockingModule::load(server::Server& server) {
  server_ = &server;
  cache_ = std::make_unique<BlocklistCache>(server);
  server.disco().addServerFeature(xmpp::ns::blocking);

  auto& stanzas = server.hooks().stanzas;
  const std::string ns(xmpp::ns::blocking);
  stanzas.hook("iq-get/self/" + ns, [this](server::StanzaEvent& e) { return handleGet(e); });
  stanzas.hook("iq-set/self/" + ns, [this](server::StanzaEvent& e) { return handleSet(e); });

  // Outbound: what a local client sends to a JID it blocked (section 3.3, last rule).
  for (const char* kind : {"message", "presence", "iq"}) {
    for (const char* to : {"bare", "full", "host"}) {
      stanzas.hook(
          std::string("pre-") + kind + "/" + to,
          [this](server::StanzaEvent& e) { return checkOutgoing(e); }, kEnforcementPriority);
    }
  }
  // Inbound to a local account, wherever the stanza came from. The router fires
  // iq-<type>/bare/<ns> before iq/bare, so iq requests that a module answers on
  // behalf of an account (vCard, disco) never reach iq/bare: for local senders
  // they are checked at pre-iq/bare (checkOutgoing); see docs/server-features.md for remote ones.
  for (const char* event :
       {"message/bare", "message/full", "presence/bare", "presence/full", "iq/bare", "iq/full"}) {
    stanzas.hook(
        event, [this](server::StanzaEvent& e) { return checkToAccount(e); }, kEnforcementPriority);
  }
  // Stanzas the server generates for a local account (presence broadcasts,
  // probes) to a remote JID that account blocked.
  stanzas.hook(
      "route/remote", [this](server::StanzaEvent& e) { return checkRemote(e); },
      kEnforcementPriority);

  server.hooks().sessions.hook("account-removed", [this](server::SessionEvent& e) {
    cache_->forget(std::string(e.session.user()) + "@" + e.session.host());
    return false;
  });
  return {};
}

}  // namespace blocking

std::unique_ptr<server::Module> makeBlockingModule() {
  return std::make_unique<blocking::BlockingModule>();
}

}  // namespace keyfed::modules
