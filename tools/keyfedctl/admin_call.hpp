#pragma once
// One admin socket command with keyfedctl's error reporting, shared by the
// command groups (admin, fac, clearinghouse).

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

#include "context.hpp"

namespace keyfed::ctl {

// Runs `command` on the running server. On failure prints why (socket turned
// off, server not running, the server's error) and returns nullopt; `code`
// is the exit code either way (kExitOk, kExitFailure, kExitNotRunning).
std::optional<nlohmann::json> callAdminCommand(const Context& ctx, std::string_view command,
                                               const nlohmann::json& args, int& code);

}  // namespace keyfed::ctl
