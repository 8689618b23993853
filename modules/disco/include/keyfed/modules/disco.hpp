#pragma once
// XEP-0030 Service Discovery: answers disco#info and disco#items for the
// server's domains and, on behalf of accounts, for their bare JIDs, from what
// modules registered in Server::disco() (docs/server-features.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeDiscoModule();

}  // namespace keyfed::modules
