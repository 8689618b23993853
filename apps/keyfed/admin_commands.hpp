#pragma once
// The admin socket's commands (docs/admin.md): status, user-changed, reload,
// s2s-list.

#include <functional>

#include "keyfed/server/admin_service.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::app {

// `reload` re-reads the configuration file (as SIGHUP does).
void registerAdminCommands(server::AdminService& admin, server::Server& server,
                           std::function<base::Result<void>()> reload);
// `s2s-list`: every domain pair on a live server stream (makeS2sModule's).
void registerS2sAdminCommands(server::AdminService& admin, server::Module& s2s);

}  // namespace keyfed::app
