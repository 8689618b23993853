#include "subscription_state.hpp"

namespace keyfed::modules::roster {
namespace {

using storage::RosterItem;
using storage::Subscription;

Subscription withTo(Subscription s) {
  return s == Subscription::none   ? Subscription::to
         : s == Subscription::from ? Subscription::both
                                   : s;
}
Subscription withoutTo(Subscription s) {
  return s == Subscription::to     ? Subscription::none
         : s == Subscription::both ? Subscription::from
                                   : s;
}
Subscription withFrom(Subscription s) {
  return s == Subscription::none ? Subscription::from
         : s == Subscription::to ? Subscription::both
                                 : s;
}
Subscription withoutFrom(Subscription s) {
  return s == Subscription::from   ? Subscription::none
         : s == Subscription::both ? Subscription::to
                                   : s;
}

void clearPendingIn(RosterItem& item) {
  item.pendingIn = false;
  item.pendingInStanza.clear();
}

// A.2.1: always routed; None and From gain Pending Out.
Transition outboundSubscribe(RosterItem& item) {
  Transition t;
  t.forward = true;
  if (!item.listed) {
    item.listed = true;  // RFC 6121 3.1.2: the contact joins the roster
    t.changed = true;
  }
  if (!hasTo(item.subscription) && !item.askOut) {
    item.askOut = true;
    t.changed = true;
  }
  return t;
}

// A.2.2: always routed; Pending Out and 'to' end.
Transition outboundUnsubscribe(RosterItem& item) {
  Transition t;
  t.forward = true;
  if (item.askOut || hasTo(item.subscription)) {
    item.askOut = false;
    item.subscription = withoutTo(item.subscription);
    t.changed = true;
  }
  return t;
}

// A.2.3 and 3.4: approving a pending request grants 'from'; without a
// request it is a pre-approval, kept and not routed.
Transition outboundSubscribed(RosterItem& item) {
  Transition t;
  if (item.pendingIn) {
    clearPendingIn(item);
    item.subscription = withFrom(item.subscription);
    item.approved = false;
    item.listed = true;  // RFC 6121 3.1.5: the user joins the contact's roster
    t.changed = t.forward = t.fromGranted = true;
    return t;
  }
  if (hasFrom(item.subscription)) return t;  // nothing to approve
  if (!item.approved || !item.listed) {
    item.approved = true;
    item.listed = true;  // RFC 6121 3.4.1: a pre-approved contact is on the roster
    t.changed = true;
  }
  return t;
}

// A.2.4: refusing a request or revoking 'from'; also cancels a pre-approval.
Transition outboundUnsubscribed(RosterItem& item) {
  Transition t;
  if (item.pendingIn) {
    clearPendingIn(item);
    t.changed = t.forward = true;
  }
  if (hasFrom(item.subscription)) {
    item.subscription = withoutFrom(item.subscription);
    t.changed = t.forward = t.fromRevoked = true;
  }
  if (item.approved) {
    item.approved = false;
    t.changed = true;
  }
  return t;
}

// A.3.1: answered for the user when 'from' exists or was pre-approved; else
// kept as Pending In and delivered, unless it is already pending.
Transition inboundSubscribe(RosterItem& item, std::string_view stanza) {
  Transition t;
  if (hasFrom(item.subscription)) {
    t.autoReply = true;
    return t;
  }
  if (item.approved) {
    item.approved = false;
    clearPendingIn(item);
    item.subscription = withFrom(item.subscription);
    t.changed = t.autoReply = t.fromGranted = true;
    return t;
  }
  if (item.pendingIn) return t;
  item.pendingIn = true;
  item.pendingInStanza = std::string(stanza);
  t.changed = t.forward = true;
  return t;
}

// A.3.2: only an outstanding request turns into 'to'.
Transition inboundSubscribed(RosterItem& item) {
  Transition t;
  if (!item.askOut) return t;
  item.askOut = false;
  t.changed = true;
  if (!hasTo(item.subscription)) {
    item.subscription = withTo(item.subscription);
    t.forward = true;
  }
  return t;
}

// A.3.3: the contact withdraws its request or its 'from'.
Transition inboundUnsubscribe(RosterItem& item) {
  Transition t;
  if (item.pendingIn) {
    clearPendingIn(item);
    t.changed = t.forward = true;
  }
  if (hasFrom(item.subscription)) {
    item.subscription = withoutFrom(item.subscription);
    t.changed = t.forward = t.fromRevoked = true;
  }
  return t;
}

// A.3.4: the contact refuses our request or revokes our 'to'.
Transition inboundUnsubscribed(RosterItem& item) {
  Transition t;
  if (item.askOut || hasTo(item.subscription)) {
    item.askOut = false;
    item.subscription = withoutTo(item.subscription);
    t.changed = t.forward = true;
  }
  return t;
}

}  // namespace

std::optional<SubscriptionType> parseSubscriptionType(std::string_view type) {
  if (type == "subscribe") return SubscriptionType::subscribe;
  if (type == "subscribed") return SubscriptionType::subscribed;
  if (type == "unsubscribe") return SubscriptionType::unsubscribe;
  if (type == "unsubscribed") return SubscriptionType::unsubscribed;
  return std::nullopt;
}

std::string_view toString(SubscriptionType type) {
  switch (type) {
    case SubscriptionType::subscribe: return "subscribe";
    case SubscriptionType::subscribed: return "subscribed";
    case SubscriptionType::unsubscribe: return "unsubscribe";
    case SubscriptionType::unsubscribed: return "unsubscribed";
  }
  return "subscribe";
}

bool hasTo(Subscription s) {
  return s == Subscription::to || s == Subscription::both;
}

bool hasFrom(Subscription s) {
  return s == Subscription::from || s == Subscription::both;
}

bool hasNoState(const RosterItem& item) {
  return item.subscription == Subscription::none && !item.askOut && !item.pendingIn &&
         !item.approved;
}

std::string stateName(const RosterItem& item) {
  std::string name;
  switch (item.subscription) {
    case Subscription::none: name = "None"; break;
    case Subscription::to: name = "To"; break;
    case Subscription::from: name = "From"; break;
    case Subscription::both: name = "Both"; break;
  }
  if (item.askOut && item.pendingIn) {
    name += " + Pending Out/In";
  } else if (item.askOut) {
    name += " + Pending Out";
  } else if (item.pendingIn) {
    name += " + Pending In";
  }
  if (item.approved) name += " + Pre-Approved";
  return name;
}

Transition applyOutbound(RosterItem& item, SubscriptionType type) {
  switch (type) {
    case SubscriptionType::subscribe: return outboundSubscribe(item);
    case SubscriptionType::subscribed: return outboundSubscribed(item);
    case SubscriptionType::unsubscribe: return outboundUnsubscribe(item);
    case SubscriptionType::unsubscribed: return outboundUnsubscribed(item);
  }
  return {};
}

Transition applyInbound(RosterItem& item, SubscriptionType type, std::string_view stanza) {
  switch (type) {
    case SubscriptionType::subscribe: return inboundSubscribe(item, stanza);
    case SubscriptionType::subscribed: return inboundSubscribed(item);
    case SubscriptionType::unsubscribe: return inboundUnsubscribe(item);
    case SubscriptionType::unsubscribed: return inboundUnsubscribed(item);
  }
  return {};
}

}  // namespace keyfed::modules::roster
