#pragma once
// XEP-0352 Client State Indication: while a client says it is inactive, the
// server holds and coalesces what can wait (presence, chat states) and
// delivers the rest at once (docs/csi.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeCsiModule();

}  // namespace keyfed::modules
