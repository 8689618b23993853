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

int s2sList(const Context& ctx, bool asJson) {
  if (asJson) return run(ctx, "s2s-list", nlohmann::json::object());
  int code = kExitOk;
  auto result = callAdminCommand(ctx, "s2s-list", nlohmann::json::object(), code);
  if (!result) return code;
  const auto& pairs = (*result)["pairs"];
  if (pairs.empty()) std::printf("no server-to-server streams\n");
  for (const auto& p : pairs) {
    const bool in = p.value("direction", "") == "in";
    // Arrows point the way the stream carries stanzas.
    std::string line = (in ? "in   " + p.value("remote", "") + " -> " + p.value("local", "")
                           : "out  " + p.value("local", "") + " -> " + p.value("remote", ""));
    line += "  " + p.value("state", "");
    if (!p.value("level", "").empty()) line += "  " + p.value("level", "");
    if (!p.value("address", "").empty()) line += "  " + p.value("address", "");
    line += "  " + std::to_string(p.value("seconds", 0LL)) + " s";
    std::string evidence = p.value("evidence", "");
    if (evidence.starts_with("level=")) evidence.erase(0, evidence.find(' ') + 1);
    if (!evidence.empty()) line += "  " + evidence;
    if (!p.value("why", "").empty()) line += "  (" + p.value("why", "") + ")";
    std::printf("%s\n", line.c_str());
  }
  return kExitOk;
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
