#include "admin_call.hpp"

#include "admin_client.hpp"

namespace keyfed::ctl {

std::optional<nlohmann::json> callAdminCommand(const Context& ctx, std::string_view command,
                                               const nlohmann::json& args, int& code) {
  const auto& socket = ctx.config.server.adminSocket;
  if (socket.empty()) {
    printError("the admin socket is turned off (server.admin_socket = \"\" in " +
               ctx.config.file.string() + ")");
    code = kExitNotRunning;
    return std::nullopt;
  }
  auto reply = callAdmin(socket, command, args, ctx.timeout);
  if (!reply) {
    if (reply.error().code == errc::kNotRunning) {
      printError("keyfed is not running (nothing answers on " + socket.string() + ")");
      code = kExitNotRunning;
    } else {
      printError(reply.error());
      code = kExitFailure;
    }
    return std::nullopt;
  }
  if (!reply->ok) {
    printError(std::string(command) + ": " + reply->errorMessage + " [" + reply->errorCode + "]");
    code = kExitFailure;
    return std::nullopt;
  }
  code = kExitOk;
  return reply->result;
}

}  // namespace keyfed::ctl
