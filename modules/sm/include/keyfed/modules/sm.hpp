#pragma once
// XEP-0198 Stream Management: acknowledgements, resumption of a session
// whose connection broke, and no stanza lost when it is not resumed
// (docs/stream-management.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeSmModule();

}  // namespace keyfed::modules
