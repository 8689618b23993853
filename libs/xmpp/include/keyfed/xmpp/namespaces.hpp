#pragma once
// XML namespace names used by the core protocol and common extensions, so that
// a typo is a compile error instead of a silently unmatched element.

#include <string_view>

namespace keyfed::xmpp::ns {

inline constexpr std::string_view client = "jabber:client";
inline constexpr std::string_view server = "jabber:server";
inline constexpr std::string_view component = "jabber:component:accept";
inline constexpr std::string_view dialback = "jabber:server:dialback";
inline constexpr std::string_view dialbackFeature = "urn:xmpp:features:dialback";
inline constexpr std::string_view stream = "http://etherx.jabber.org/streams";
inline constexpr std::string_view streams = "urn:ietf:params:xml:ns:xmpp-streams";
inline constexpr std::string_view stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";
inline constexpr std::string_view tls = "urn:ietf:params:xml:ns:xmpp-tls";
inline constexpr std::string_view sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
inline constexpr std::string_view bind = "urn:ietf:params:xml:ns:xmpp-bind";
inline constexpr std::string_view session = "urn:ietf:params:xml:ns:xmpp-session";
inline constexpr std::string_view saslChannelBinding = "urn:xmpp:sasl-cb:0";  // XEP-0440
inline constexpr std::string_view roster = "jabber:iq:roster";
inline constexpr std::string_view rosterVersioning = "urn:xmpp:features:rosterver";
inline constexpr std::string_view presenceSubscriptionPreApproval =
    "urn:xmpp:features:pre-approval";
inline constexpr std::string_view discoInfo = "http://jabber.org/protocol/disco#info";
inline constexpr std::string_view discoItems = "http://jabber.org/protocol/disco#items";
inline constexpr std::string_view version = "jabber:iq:version";
inline constexpr std::string_view ping = "urn:xmpp:ping";
inline constexpr std::string_view vcard = "vcard-temp";
inline constexpr std::string_view blocking = "urn:xmpp:blocking";
inline constexpr std::string_view blockingErrors = "urn:xmpp:blocking:errors";
inline constexpr std::string_view registerIq = "jabber:iq:register";
inline constexpr std::string_view registerFeature = "http://jabber.org/features/iq-register";
inline constexpr std::string_view time = "urn:xmpp:time";
inline constexpr std::string_view delay = "urn:xmpp:delay";
inline constexpr std::string_view offline = "msgoffline";  // XEP-0160 disco feature
inline constexpr std::string_view caps = "http://jabber.org/protocol/caps";
// XEP-0060 publish-subscribe (used by PEP and the clearinghouse's table node).
inline constexpr std::string_view pubsub = "http://jabber.org/protocol/pubsub";
inline constexpr std::string_view pubsubEvent = "http://jabber.org/protocol/pubsub#event";
inline constexpr std::string_view pubsubErrors = "http://jabber.org/protocol/pubsub#errors";
inline constexpr std::string_view pubsubOwner = "http://jabber.org/protocol/pubsub#owner";
inline constexpr std::string_view pubsubNodeConfig =
    "http://jabber.org/protocol/pubsub#node_config";
inline constexpr std::string_view pubsubPublishOptions =
    "http://jabber.org/protocol/pubsub#publish-options";
inline constexpr std::string_view dataForms = "jabber:x:data";                      // XEP-0004
inline constexpr std::string_view framing = "urn:ietf:params:xml:ns:xmpp-framing";  // RFC 7395
inline constexpr std::string_view xml = "http://www.w3.org/XML/1998/namespace";

}  // namespace keyfed::xmpp::ns
