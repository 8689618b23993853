#include "modules.hpp"

#include "keyfed/modules/blocking.hpp"
#include "keyfed/modules/c2s.hpp"
#include "keyfed/modules/carbons.hpp"
#include "keyfed/modules/component.hpp"
#include "keyfed/modules/csi.hpp"
#include "keyfed/modules/disco.hpp"
#include "keyfed/modules/extdisco.hpp"
#include "keyfed/modules/https.hpp"
#include "keyfed/modules/mam.hpp"
#include "keyfed/modules/muc.hpp"
#include "keyfed/modules/offline.hpp"
#include "keyfed/modules/pep.hpp"
#include "keyfed/modules/ping.hpp"
#include "keyfed/modules/push.hpp"
#include "keyfed/modules/register.hpp"
#include "keyfed/modules/roster.hpp"
#include "keyfed/modules/s2s.hpp"
#include "keyfed/modules/sm.hpp"
#include "keyfed/modules/time.hpp"
#include "keyfed/modules/upload.hpp"
#include "keyfed/modules/vcard.hpp"
#include "keyfed/modules/version.hpp"

namespace keyfed::app {

AdminModules addBuiltinModules(server::Server& server) {
  // Feature modules first so their hooks and disco features exist before the
  // first client connects; c2s (which opens the listeners) last.
  server.addModule(modules::makeBlockingModule());
  server.addModule(modules::makeRosterModule());
  server.addModule(modules::makePresenceModule());
  server.addModule(modules::makeOfflineModule());
  server.addModule(modules::makeDiscoModule());
  server.addModule(modules::makePingModule());
  server.addModule(modules::makeVersionModule());
  server.addModule(modules::makeTimeModule());
  server.addModule(modules::makeVCardModule());
  server.addModule(modules::makeRegisterModule());
  // XEP-0215 STUN/TURN for calls ([external_services], docs/external-services.md).
  server.addModule(modules::makeExternalServicesModule());
  // XEP-0280, XEP-0352, XEP-0198 (docs/carbons.md, csi.md, stream-management.md).
  server.addModule(modules::makeCarbonsModule());
  server.addModule(modules::makeCsiModule());
  server.addModule(modules::makeSmModule());
  // XEP-0357: wakes devices for messages that offline storage or SM kept ([push], docs/push.md).
  server.addModule(modules::makePushModule());
  // XEP-0045 on its own component domain (docs/muc.md; off unless [muc] enabled).
  server.addModule(modules::makeMucModule());
  // XEP-0114 external components on their own domains ([[component]], docs/components.md).
  server.addModule(modules::makeComponentModule());
  // XEP-0163 PEP with XEP-0115 capabilities (docs/pep.md).
  server.addModule(modules::makePepModule());
  // XEP-0313 (docs/mam.md): its hooks' priorities place it around blocking, carbons and offline.
  server.addModule(modules::makeMamModule());
  // The FAC agent and the outbound stanza policy come before s2s (docs/policy.md).
  auto fac = agent::makeAgentModule();
  agent::AgentModule& agentModule = *fac;
  server.addModule(std::move(fac));
  server.addModule(agent::makeStanzaPolicyModule());
  // The clearinghouse's deciders must be in place before s2s takes a stream.
  auto clearinghouse = clearinghouse::makeClearinghouseModule();
  clearinghouse::ClearinghouseModule& clearinghouseModule = *clearinghouse;
  server.addModule(std::move(clearinghouse));
  server.addModule(agent::makeC2sFilterModule(agentModule));
  server.addModule(agent::makeAuditCapsModule());
  // The HTTPS listeners serve the routes added before the server starts.
  auto https = modules::makeHttpsModule();
  http::Router& httpsRoutes = https->routes();
  server.addModule(agent::makeFacHttpsModule(agentModule, httpsRoutes));
  server.addModule(clearinghouse::makeTableHttpsModule(clearinghouseModule, httpsRoutes));
  // XEP-0363: slots over XMPP, files on the https routes ([upload], docs/upload.md).
  server.addModule(modules::makeUploadModule(&httpsRoutes));
  server.addModule(std::move(https));
  auto s2s = modules::makeS2sModule();
  server::Module& s2sModule = *s2s;
  server.addModule(std::move(s2s));
  // c2s adds XMPP over WebSocket and host-meta to the https routes ([websocket]).
  server.addModule(modules::makeC2sModule(&httpsRoutes));
  return {agentModule, clearinghouseModule, s2sModule};
}

}  // namespace keyfed::app
