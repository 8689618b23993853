#include "clearinghouse_commands.hpp"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

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

// The server answers clearinghouse-fetch at once; the outcome appears in
// clearinghouse-table's "bootstrap" when the exchange is over.
int clearinghouseFetch(const Context& ctx) {
  using namespace std::chrono_literals;
  int code = kExitOk;
  auto started = callAdminCommand(ctx, "clearinghouse-fetch", json::object(), code);
  if (!started) return code;
  const auto attempt = started->value("attempt", std::uint64_t{0});
  const auto deadline = std::chrono::steady_clock::now() + ctx.timeout;
  while (true) {
    auto table = callAdminCommand(ctx, "clearinghouse-table", json::object(), code);
    if (!table) return code;
    const json& b = (*table)["bootstrap"];
    if (b.value("attempt", std::uint64_t{0}) == attempt && b.value("state", "") != "running") {
      const std::string state = b.value("state", "");
      const std::string name = table->value("clearinghouse", "");
      const auto version = table->value("version", std::int64_t{0});
      if (state == "failed") {
        return failure(b.value("message", "") + " (" + b.value("code", "") + ")");
      }
      std::printf("%s %s's table v%lld over HTTPS from %s\n",
                  state == "accepted" ? "accepted" : "unchanged:", name.c_str(),
                  static_cast<long long>(version), b.value("url", "").c_str());
      return kExitOk;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return failure("the fetch did not end within the timeout; see `clearinghouse table`");
    }
    std::this_thread::sleep_for(100ms);
  }
}

}  // namespace keyfed::ctl
