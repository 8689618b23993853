#pragma once
// One element kept as text (a stanza in storage: archived messages), parsed
// with the stream parser's restricted XML: no DTD, no entities beyond XML's
// own, limits on size, depth and attributes.

#include <cstddef>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::xml {

// `text` must hold exactly one complete element of at most maxBytes (its text
// too); depth and attribute counts are bounded by the largest values the
// configuration accepts, so whatever a c2s parser let through parses here.
// Unprefixed names without xmlns are in `defaultNs`. Error code "xml.stored".
base::Result<Element> parseElement(std::string_view text, std::size_t maxBytes,
                                   std::string_view defaultNs = "jabber:client");

}  // namespace keyfed::xml
