#pragma once
// Server-to-server streams (RFC 6120, XEP-0220 dialback, XEP-0178 SASL
// EXTERNAL), in and out, with every domain pair checked by the policy point
// before its first stanza (docs/federation.md). Its [s2s] section:
// s2s_config.hpp (the app registers it with the config loader).

#include <memory>

#include "keyfed/modules/s2s_config.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeS2sModule();

}  // namespace keyfed::modules
