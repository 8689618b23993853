#pragma once
// A pending inbound subscription request is kept with the roster item as
// serialized XML (RosterItem::pendingInStanza) so that the user later sees it
// as the contact sent it (status, XEP-0172 nick). The text comes from our own
// database but is parsed with hard limits all the same: a damaged row costs
// the request's extras, never the server.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/xml/element.hpp"

namespace keyfed::modules::roster {

// The serialized stanza, or "" when it is larger than `maxBytes` (then only
// the fact that a request is pending is kept).
std::string serializeRequest(const xml::Element& stanza, std::size_t maxBytes);

// The stored request as a <presence type='subscribe'/> from `contact` to
// `user` (bare JIDs): the stored stanza when it parses, else a bare one.
xml::Element storedRequest(std::string_view text, std::string_view contact, std::string_view user,
                           std::size_t maxBytes);

}  // namespace keyfed::modules::roster
