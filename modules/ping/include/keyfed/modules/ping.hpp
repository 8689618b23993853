#pragma once
// XEP-0199 XMPP Ping: the server answers pings addressed to its domain
// (docs/server-features.md). Pings to a client's full JID are the router's.

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makePingModule();

}  // namespace keyfed::modules
