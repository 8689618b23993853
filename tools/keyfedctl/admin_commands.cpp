#include "admin_commands.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "admin_call.hpp"

namespace keyfed::ctl {

namespace {

int run(const Context& ctx, std::string_view command, const nlohmann::json& args) {
  int code = kExitOk;
  auto result = callAdminCommand(ctx, command, args, code);
  if (!result) return code;
  const std::string text = result->dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::printf("%s\n", text.c_str());
  return kExitOk;
}

}  // namespace

int status(const Context& ctx) {
  return run(ctx, "status", nlohmann::json::object());
}

int adminCommand(const Context& ctx, std::string_view command, std::string_view argsJson) {
  nlohmann::json args = nlohmann::json::object();
  if (!argsJson.empty()) {
    args = nlohmann::json::parse(argsJson, nullptr, /*allow_exceptions=*/false);
    if (args.is_discarded() || !args.is_object()) {
      printError("JSON-ARGS must be a JSON object, e.g. '{\"jid\":\"user@example.org\"}'");
      return kExitUsage;
    }
  }
  return run(ctx, command, args);
}

}  // namespace keyfed::ctl
