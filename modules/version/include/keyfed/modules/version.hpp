#pragma once
// XEP-0092 Software Version: the server's name and version, without the
// operating system (docs/server-features.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeVersionModule();

}  // namespace keyfed::modules
