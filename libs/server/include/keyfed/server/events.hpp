#pragma once
// The events modules hook, Prosody style (docs/modules.md lists them all):
//
//   pre-<kind>/<to>          a stanza a local client sent, before routing
//                            (kind: message|presence|iq; to: self|bare|full|host)
//   <kind>/<to>              a stanza for a local entity (to: bare|full|host)
//   iq-<get|set>/<to>/<ns>   an iq request by its payload namespace, fired
//                            before iq/<to>; `self` when a client asks about
//                            its own account (no 'to', or its own bare JID)
//   iq-preauth/<ns>          an iq before authentication (in-band registration)
//   message/offline          a message for an account with no available resource
//   message/deferred         a message for a local account was kept for later instead of
//                            reaching an online resource (stored offline; queued for a
//                            stream-management session awaiting resumption); observers
//                            only (push notifications), fired by those modules
//   route/remote             a stanza for a domain that is not served here
//
// A handler returns true when it handled the stanza; dispatch stops there and
// the router's default for that event (docs/modules.md) does not run.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keyfed/config/config.hpp"
#include "keyfed/server/event_bus.hpp"
#include "keyfed/server/session.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::server {

class Server;

struct StanzaEvent {
  Server& server;
  xml::Element& stanza;
  // Who sent it: a client session, a server-to-server session, or nullptr
  // when the server itself generated the stanza.
  Session* origin;
  xmpp::Jid from;  // parsed 'from' (always set on routed stanzas)
  xmpp::Jid to;    // parsed 'to' (invalid when absent)

  // The origin as a local client session, or nullptr.
  [[nodiscard]] ClientSession* client() const {
    return origin != nullptr && origin->kind() == Session::Kind::client
               ? static_cast<ClientSession*>(origin)
               : nullptr;
  }
};

// "resource-bound", "resource-unbound" (the session is going away: presence
// and other per-resource state must be cleaned up), "initial-presence" (the
// resource became available for the first time: offline messages go now).
struct SessionEvent {
  Server& server;
  ClientSession& session;
};

// "c2s-features": stream features offered to a client. Before authentication
// (authenticated == false) and after it; modules append their elements.
struct FeaturesEvent {
  Server& server;
  ClientSession& session;
  xml::Element& features;
  bool authenticated;
};

// "config-reloaded": SIGHUP or `keyfedctl reload` loaded a new, valid
// configuration; modules re-read their sections (s2s rebuilds its policy).
struct ConfigEvent {
  Server& server;
  const config::Config& previous;
  const config::Config& next;
};

// Federation access between s2s and the FAC agent's automatic mode
// (docs/fac-protocol.md, "Automatic mode"):
//   "s2s-agent-only"      the peer `remote` keeps the outgoing pair (local,
//                         remote) agent-only (`reason`: its refusal) while
//                         stanzas wait for it. A handler that asks the peer's
//                         agent for access returns true and sets `holdFor`:
//                         s2s keeps what waits that long at most.
//   "fac-access-granted"  the peer's agent granted a request of ours: s2s
//                         delivers what waits for `remote`.
//   "fac-access-refused"  it refused (`reason`): s2s bounces what waits.
struct FederationEvent {
  Server& server;
  std::string_view local;
  std::string_view remote;
  std::string_view reason;
  std::chrono::seconds holdFor{0};
};

// Redirection (docs/clearinghouse.md, "Redirection service"): an incoming s2s
// stream names a domain this server does not serve.
//   "s2s-redirect-target"  at the stream header, `originating` empty: a handler
//                          that answers for `target` sets `via` (a served
//                          domain: the stream's verifications go out from it)
//                          and returns true; unanswered: host-unknown.
//   "s2s-redirect"         the originator `originating` proved its domain on
//                          that stream (`method`: "sasl-external" or
//                          "dialback"): the handler sets `location`
//                          ("host:port") to redirect with <see-other-host/>,
//                          or leaves it empty and says why in `reason`
//                          (<policy-violation/>).
struct RedirectEvent {
  Server& server;
  std::string_view originating;
  std::string_view target;
  std::string_view address;  // the originator's remote address
  std::string_view method;
  std::string via;
  std::string location;
  std::string reason;
};

// Personal eventing for other modules (docs/modules.md, "PEP for other
// modules"): a module that keeps data in an account's PEP node (vCard4 for
// vcard-temp, docs/vcard.md) reaches the PEP module only through these.
//   "pep-publish"        a module asks PEP to publish `payload` as item `itemId`
//                        of `node` of the account `owner`, as the owner's
//                        client would (auto-create, limits, notifications). PEP
//                        returns true and sets `refusal` when it refused.
//   "pep-retrieve"       a module asks for item `itemId` (empty: the newest) of
//                        `node` as `requester` may see it: PEP sets `found` (the
//                        payload), or `refusal` (no such node or item:
//                        item-not-found; not allowed: the access model's error).
//   "pep-check-publish"  an owner's item for `node` is about to be stored: a
//                        handler that refuses it sets `refusal` (and
//                        `refusalText`) and returns true. Not fired for
//                        "pep-publish" (`internal`).
//   "pep-published"      an item was stored on `node` (`internal`: by
//                        "pep-publish"). Observers: handlers return false.
//   "pep-node-defaults"  `node` is being auto-created: handlers append to
//                        `options` the pubsub#node_config fields it starts
//                        with; the publisher's publish-options apply on top.
// Handlers compare `node` themselves: the names are fixed, so PEP's publish
// path builds no event name per item.
struct PepEvent {
  PepEvent(Server& server, const xmpp::Jid& owner, std::string_view node)
      : server(server), owner(owner), node(node) {}

  Server& server;
  const xmpp::Jid& owner;  // the account (bare JID)
  std::string_view node;
  std::string_view itemId;
  const xml::Element* payload = nullptr;  // publish, check-publish, published
  bool internal = false;
  const xmpp::Jid* requester = nullptr;  // retrieve
  std::optional<xml::Element> found;     // retrieve: the item's payload
  std::optional<xmpp::StanzaErrorCondition> refusal;
  std::string refusalText;
  std::vector<std::pair<std::string, std::string>> options;  // node-defaults
};

struct Hooks {
  EventBus<StanzaEvent> stanzas;
  EventBus<ConfigEvent> config;
  EventBus<SessionEvent> sessions;
  EventBus<FeaturesEvent> features;
  EventBus<FederationEvent> federation;
  EventBus<RedirectEvent> redirects;
  EventBus<PepEvent> pep;
};

}  // namespace keyfed::server
