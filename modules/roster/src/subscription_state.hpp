#pragma once
// The subscription state machine of RFC 6121 Appendix A as pure functions on
// a stored roster item: what a subscription stanza does to the state, and
// whether the stanza travels on. No I/O: subscriptions.cpp does the storing,
// pushing and routing these decisions ask for, and the tests walk the tables
// row by row.
//
// States are the item's (subscription, askOut = Pending Out, pendingIn =
// Pending In); `approved` is the pre-approval of RFC 6121 3.4.

#include <optional>
#include <string>
#include <string_view>

#include "keyfed/storage/types.hpp"

namespace keyfed::modules::roster {

enum class SubscriptionType { subscribe, subscribed, unsubscribe, unsubscribed };

// "subscribe", ... ; nullopt for any other presence type.
std::optional<SubscriptionType> parseSubscriptionType(std::string_view type);
std::string_view toString(SubscriptionType type);

// Whether the user receives the contact's presence ('to') / sends it ('from').
bool hasTo(storage::Subscription s);
bool hasFrom(storage::Subscription s);

// An item without any subscription state: no subscription, nothing pending,
// not pre-approved. Unlisted items in this state are deleted.
bool hasNoState(const storage::RosterItem& item);

// The state's name as Appendix A writes it ("None + Pending Out/In", "To",
// "Both"), plus " + Pre-Approved" when approved. For tests and logs.
std::string stateName(const storage::RosterItem& item);

// What a subscription stanza asks the server to do besides storing the item.
struct Transition {
  bool changed = false;  // the item differs: store it (and push it when listed)
  // Outbound: route the stanza to the contact. Inbound: deliver it to the
  // user's available resources.
  bool forward = false;
  // Inbound subscribe: answer 'subscribed' on the user's behalf (the contact
  // already has 'from', or the user pre-approved it).
  bool autoReply = false;
  // The contact now receives the user's presence: send the current presence
  // of the user's available resources.
  bool fromGranted = false;
  // The contact no longer receives it: send unavailable from those resources.
  bool fromRevoked = false;
};

// The user sent `type` to the contact of `item` (RFC 6121 A.2, 3.4).
// Subscribing or approving puts the contact on the visible roster (listed).
Transition applyOutbound(storage::RosterItem& item, SubscriptionType type);

// The contact sent `type` to the user (RFC 6121 A.3). `stanza` is the
// serialized inbound subscribe, kept while the request is pending.
Transition applyInbound(storage::RosterItem& item, SubscriptionType type,
                        std::string_view stanza = {});

}  // namespace keyfed::modules::roster
