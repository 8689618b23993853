#pragma once
// XEP-0054 vcard-temp: each account publishes one vCard, which anyone may read
// (docs/server-features.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeVCardModule();

}  // namespace keyfed::modules
