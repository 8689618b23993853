#pragma once
// `keyfedctl status`, `keyfedctl s2s list` and `keyfedctl admin COMMAND
// [JSON-ARGS]`: requests to the running server over its admin socket. The
// result is printed as JSON (s2s list: a line per pair unless --json).
// Exit codes: 0, 1 (the server answered with an error, timeout), 2 (JSON-ARGS
// is not a JSON object), 3 (the server is not running).

#include <string_view>

#include "context.hpp"

namespace keyfed::ctl {

int status(const Context& ctx);
int adminCommand(const Context& ctx, std::string_view command, std::string_view argsJson);
// Every domain pair on a live server stream: direction, state, trust level, evidence.
int s2sList(const Context& ctx, bool asJson);

}  // namespace keyfed::ctl
