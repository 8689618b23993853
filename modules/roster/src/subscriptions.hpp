#pragma once
// Presence subscriptions (RFC 6121 3) between a local account and any
// contact, local or remote: the state machine of subscription_state.hpp
// applied to the stored roster item, with the storing, pushing, routing and
// auto-replies it asks for. Probes (RFC 6121 4.3.2) are answered here too,
// because the answer depends on the subscription.

#include "keyfed/server/server.hpp"
#include "keyfed/storage/types.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "subscription_state.hpp"

namespace keyfed::modules::roster {

// A subscription stanza the user's resource `client` sent to `to`: stamped
// from and to the bare JIDs (RFC 6121 3.1.2), applied to the user's roster,
// routed when Appendix A says so.
void handleOutbound(server::Server& server, server::ClientSession& client,
                    const xml::Element& stanza, const xmpp::Jid& to, SubscriptionType type);

// A subscription stanza from `from` for the local account `to`.
void handleInbound(server::Server& server, const xml::Element& stanza, const xmpp::Jid& from,
                   const xmpp::Jid& to, SubscriptionType type);

// A probe from `from` about the local account `to`: the last presence of each
// available resource when `from` has a 'from' subscription (or is the account
// itself), otherwise, or when no resource is available, unavailable.
void handleProbe(server::Server& server, const xmpp::Jid& from, const xmpp::Jid& to);

// Delivers the requests still pending in `roster` to a resource that has just
// become available (RFC 6121 3.1.3: until the user answers them).
void deliverPendingRequests(server::Server& server, server::ClientSession& session,
                            const storage::Roster& roster);

}  // namespace keyfed::modules::roster
