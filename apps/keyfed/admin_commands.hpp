#pragma once
// The admin socket's commands (docs/admin.md): status, user-changed, reload.

#include <functional>

#include "keyfed/server/admin_service.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::app {

// `reload` re-reads the configuration file (as SIGHUP does).
void registerAdminCommands(server::AdminService& admin, server::Server& server,
                           std::function<base::Result<void>()> reload);

}  // namespace keyfed::app
