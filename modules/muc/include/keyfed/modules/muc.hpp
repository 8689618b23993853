#pragma once
// XEP-0045 multi-user chat as a component on its own domain
// (conference.<host> by default), with XEP-0410 self-ping (docs/muc.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeMucModule();

}  // namespace keyfed::modules
