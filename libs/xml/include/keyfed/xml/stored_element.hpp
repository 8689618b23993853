#pragma once
// Elements are stored as the text toString() wrote (vCards, PEP items,
// archived messages); this reads one back. The text came from our own
// database, but it was a client's element first: it is parsed by the same
// hardened stream parser as any stanza (no DTD, no entities beyond XML's own,
// limits on size, depth and attributes).

#include <cstddef>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::xml {

// Exactly one element of at most maxBytes, nothing before or after it
// (whitespace aside). Depth and attribute counts are bounded by the largest
// values the configuration accepts, so whatever a c2s parser let through
// parses here. Unprefixed names without xmlns are in `defaultNs`.
// Errors: code "xml.stored".
base::Result<Element> parseStoredElement(std::string_view text, std::size_t maxBytes,
                                         std::string_view defaultNs = "jabber:client");

}  // namespace keyfed::xml
