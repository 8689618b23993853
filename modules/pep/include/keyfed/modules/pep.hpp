#pragma once
// XEP-0163 Personal Eventing Protocol over a XEP-0060 subset, with entity
// capabilities (XEP-0115) deciding who gets notifications (docs/pep.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makePepModule();

}  // namespace keyfed::modules
