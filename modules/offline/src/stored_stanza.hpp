#pragma once
// Offline messages are stored as serialized XML (storage::OfflineStore keeps
// strings). This turns one back into an element. The text came from our own
// database, but it is still parsed with hard limits: a damaged row must cost
// one lost message, never the server.

#include <cstddef>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::offline {

// The serialized form (namespaces declared on the element itself).
std::string serializeStanza(const xml::Element& stanza);

// Parses exactly one element of at most `maxBytes` bytes of XML. Errors:
// "offline.corrupt" for anything that is not one well-formed element.
base::Result<xml::Element> parseStoredStanza(std::string_view text, std::size_t maxBytes);

}  // namespace keyfed::modules::offline
