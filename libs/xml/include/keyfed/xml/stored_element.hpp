#pragma once
// Elements are stored as the text toString() wrote (vCards, PEP items); this
// reads one back.
// The text came from our own database, but it was a client's element first:
// it is parsed with the same limits as any stanza.

#include <cstddef>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::xml {

// Exactly one element, nothing before or after it (whitespace aside).
// Errors: "xml.<condition>" from the parser, or "xml.stored" when the text
// holds no element or more than one.
base::Result<Element> parseStoredElement(std::string_view text, std::size_t maxBytes);

}  // namespace keyfed::xml
