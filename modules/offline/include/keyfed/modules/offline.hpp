#pragma once
// XEP-0160 offline messages: chat and normal messages for an account with no
// available resource are stored with a <delay/> stamp and delivered when a
// resource sends its first available presence (docs/server-features.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeOfflineModule();

}  // namespace keyfed::modules
