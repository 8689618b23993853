#pragma once
// Internal: parsers of the sections the loader reads itself.

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::config::detail {

// Reads [server], [storage], [tls], [limits], [c2s], [[virtual_host]] and
// [[listener]] from the root table into `out`, then checks what involves
// several sections (listeners need hosts, TLS listeners need certificates).
void readBuiltinSections(TableReader& root, Config& out);

// Domain of a virtual host: ASCII letters lowercased, or an error message.
bool normalizeDomain(std::string& domain, std::string& why);

}  // namespace keyfed::config::detail
