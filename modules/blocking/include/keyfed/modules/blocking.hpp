#pragma once
// XEP-0191 Blocking Command: the blocklist commands and their enforcement on
// every stanza to and from a local account (docs/server-features.md).
//
// Events it listens to besides the stanza events: "account-removed"
// (SessionEvent, fired by whoever deletes an account, e.g. the register
// module) drops the account's cached list.

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeBlockingModule();

}  // namespace keyfed::modules
