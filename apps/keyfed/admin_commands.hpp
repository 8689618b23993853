#pragma once
// The admin socket's commands (docs/admin.md): status, user-changed.

#include "keyfed/server/admin_service.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::app {

void registerAdminCommands(server::AdminService& admin, server::Server& server);

}  // namespace keyfed::app
