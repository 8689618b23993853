#include "clearinghouse_commands.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "admin_call.hpp"

namespace keyfed::ctl {
namespace {

using nlohmann::json;

std::string pretty(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

// "a.example  level 3  addresses 192.0.2.7  until 1767225600"
std::string rowLine(const json& row) {
  std::string line = row.value("domain", "") + "  level " + std::to_string(row.value("level", 0));
  if (row.contains("addresses") && !row["addresses"].empty()) {
    line += "  addresses";
    for (const auto& a : row["addresses"]) line += " " + a.get<std::string>();
  }
  if (row.contains("expires") && row["expires"].is_number()) {
    line += "  until " + std::to_string(row["expires"].get<std::int64_t>());
  }
  if (row.contains("redirect_to") && row["redirect_to"].is_string() &&
      !row["redirect_to"].get<std::string>().empty()) {
    line += "  redirect to " + row["redirect_to"].get<std::string>();
  }
  return line;
}

int printTable(const json& result, bool asJson, const std::string& heading) {
  if (asJson) {
    std::printf("%s\n", pretty(result).c_str());
    return kExitOk;
  }
  std::printf("%s\n", heading.c_str());
  for (const auto& row : result["rows"]) std::printf("%s\n", rowLine(row).c_str());
  return kExitOk;
}

}  // namespace

int clearinghouseSet(const Context& ctx, const RowOptions& row) {
  json args = {{"domain", row.domain}, {"level", row.level}, {"addresses", row.addresses}};
  if (row.validity > 0) args["validity"] = row.validity;
  if (!row.redirectTo.empty()) args["redirect_to"] = row.redirectTo;
  int code = kExitOk;
  auto result = callAdminCommand(ctx, "clearinghouse-set", args, code);
  if (!result) return code;
  std::printf("%s (table v%lld)\n", rowLine((*result)["row"]).c_str(),
              static_cast<long long>(result->value("version", 0)));
  return kExitOk;
}

int clearinghouseRemove(const Context& ctx, const std::string& domain) {
  int code = kExitOk;
  auto result = callAdminCommand(ctx, "clearinghouse-remove", {{"domain", domain}}, code);
  if (!result) return code;
  std::printf("removed %s (table v%lld)\n", domain.c_str(),
              static_cast<long long>(result->value("version", 0)));
  return kExitOk;
}

int clearinghouseList(const Context& ctx, bool asJson) {
  int code = kExitOk;
  auto result = callAdminCommand(ctx, "clearinghouse-list", json::object(), code);
  if (!result) return code;
  return printTable(*result, asJson,
                    "# " + result->value("clearinghouse", "") + " table v" +
                        std::to_string(result->value("version", 0)));
}

int clearinghouseTable(const Context& ctx, bool asJson) {
  int code = kExitOk;
  auto result = callAdminCommand(ctx, "clearinghouse-table", json::object(), code);
  if (!result) return code;
  std::string heading = "# " + result->value("clearinghouse", "") + " table v" +
                        std::to_string(result->value("version", 0));
  if (result->contains("expires")) {
    heading += ", expires " + std::to_string((*result)["expires"].get<std::int64_t>());
  }
  if (result->value("stale", false)) heading += ", STALE (" + result->value("stale_mode", "") + ")";
  return printTable(*result, asJson, heading);
}

}  // namespace keyfed::ctl
