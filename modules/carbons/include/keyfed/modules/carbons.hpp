#pragma once
// XEP-0280 Message Carbons: a resource that enabled carbons gets a copy of
// the messages its account's other resources send and receive
// (docs/carbons.md).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeCarbonsModule();

}  // namespace keyfed::modules
