#pragma once
// XEP-0202 Entity Time: the server's clock in UTC (docs/server-features.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeTimeModule();

}  // namespace keyfed::modules
