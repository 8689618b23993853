#pragma once
// XEP-0313 Message Archive Management for user archives, with XEP-0059 paging
// and XEP-0359 stanza ids (docs/mam.md).

#include <memory>

#include "keyfed/modules/mam_config.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::modules {

// Reads [mam] from the server's configuration.
std::unique_ptr<server::Module> makeMamModule();
// With the given settings instead (module tests, whose configs have no [mam]).
std::unique_ptr<server::Module> makeMamModule(const MamConfig& config);

}  // namespace keyfed::modules
