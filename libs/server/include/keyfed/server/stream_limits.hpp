#pragma once
// The XML parser limits of a client or server stream, from [limits]: only the
// stanza size and the stanzas' namespace differ between the two.

#include <cstddef>
#include <string>
#include <string_view>

#include "keyfed/config/config.hpp"
#include "keyfed/xml/stream_parser.hpp"

namespace keyfed::server {

inline xml::ParserLimits streamParserLimits(const config::Config& config,
                                            std::size_t maxStanzaBytes, std::string_view stanzaNs) {
  xml::ParserLimits limits;
  limits.maxStanzaBytes = maxStanzaBytes;
  limits.maxDepth = config.limits.xmlDepth;
  limits.maxAttributes = config.limits.xmlAttributes;
  limits.maxTextBytes = config.limits.xmlText;
  limits.contentNamespaces = {std::string(stanzaNs)};
  return limits;
}

}  // namespace keyfed::server
