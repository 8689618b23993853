#pragma once
// The XEP-0060 subset the table travels in (docs/clearinghouse.md, "Push
// over publish-subscribe"): the clearinghouse's JID is a publish-subscribe
// service with one node, kNode; members subscribe with their server JID,
// fetch the latest item, and receive each new table as an event notification.
// The item id is the table's version; its payload is
// <table xmlns='urn:keyfed:clearinghouse:0'>the document's JSON</table>.
// Builders and readers only: no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::clearinghouse {

inline constexpr std::string_view kPubsubNs = xmpp::ns::pubsub;
inline constexpr std::string_view kPubsubEventNs = xmpp::ns::pubsubEvent;
inline constexpr std::string_view kPubsubErrorsNs = xmpp::ns::pubsubErrors;
inline constexpr std::string_view kNode = "urn:keyfed:clearinghouse:table";
inline constexpr std::string_view kTableNs = "urn:keyfed:clearinghouse:0";

// An iq request to the service, as read from its <pubsub/> payload.
struct PubsubRequest {
  enum class Kind { subscribe, unsubscribe, items, unsupported };
  Kind kind = Kind::unsupported;
  std::string node;
  std::string jid;  // subscribe/unsubscribe: the 'jid' attribute
};
PubsubRequest readRequest(const xml::Element& iq);

// <iq type='set'><pubsub><subscribe node=kNode jid=from/></pubsub></iq>
xml::Element makeSubscribe(std::string_view from, std::string_view to, std::string_view id);
// <iq type='get'><pubsub><items node=kNode max_items='1'/></pubsub></iq>
xml::Element makeItemsRequest(std::string_view from, std::string_view to, std::string_view id);
// The answer to a subscribe: <pubsub><subscription node jid subscription='subscribed'/></pubsub>
xml::Element makeSubscribed(const xml::Element& request, std::string_view jid);
// The answer to an items request: the latest item, or none.
xml::Element makeItemsResult(const xml::Element& request, std::int64_t version,
                             std::string_view document);
// <message type='headline'><event><items node><item id=version><table/></item></items></event>
xml::Element makeNotification(std::string_view from, std::string_view to, std::int64_t version,
                              std::string_view document);
// The service refuses a request: `condition` plus the XEP-0060 error element
// ("closed-node", "unsupported"...), when given.
xml::Element makeRefusal(const xml::Element& request, std::string_view condition,
                         std::string_view pubsubError, std::string_view text);

// The document text of the item in an event notification (a <message/>) or
// an items result (an <iq/>) for kNode; nullopt when the stanza holds none.
std::optional<std::string> itemDocument(const xml::Element& stanza);

}  // namespace keyfed::clearinghouse
