// The clearinghouse's admin socket commands (docs/admin.md, "Clearinghouse").

#include <nlohmann/json.hpp>

#include "keyfed/clearinghouse/module.hpp"
#include "keyfed/server/admin_service.hpp"

namespace keyfed::clearinghouse {
namespace {

using nlohmann::json;
using server::admin_errc::kBadArgs;

constexpr const char* kDisabled = "clearinghouse.disabled";
constexpr const char* kNotFound = "clearinghouse.not-found";
constexpr const char* kAdmin = "admin";

json rowJson(const storage::CommunityRow& r) {
  json j = {{"domain", r.domain},
            {"level", r.level},
            {"addresses", r.addresses},
            {"updated", base::unixSeconds(r.updated)}};
  j["expires"] = r.expires ? json(base::unixSeconds(*r.expires)) : json(nullptr);
  j["redirect_to"] = r.redirectTo;
  return j;
}

json rowJson(const Row& r) {
  json j = {{"domain", r.domain}, {"level", r.level}, {"addresses", r.addresses}};
  j["expires"] = r.expires ? json(*r.expires) : json(nullptr);
  return j;
}

base::Result<std::string> stringArg(const json& args, const char* name) {
  auto it = args.find(name);
  if (it == args.end() || !it->is_string() || it->get<std::string>().empty()) {
    return base::fail(kBadArgs, std::string("\"") + name + "\" (a string) is required");
  }
  return it->get<std::string>();
}

base::Result<storage::CommunityRow> rowArg(const json& args, base::SystemTime now) {
  storage::CommunityRow row;
  auto domain = stringArg(args, "domain");
  if (!domain) return base::fail(domain.error());
  row.domain = std::move(*domain);
  auto level = args.find("level");
  if (level == args.end() || !level->is_number_integer()) {
    return base::fail(kBadArgs, "\"level\" (an integer) is required");
  }
  row.level = level->get<std::int64_t>();
  if (auto addresses = args.find("addresses"); addresses != args.end()) {
    if (!addresses->is_array()) return base::fail(kBadArgs, "\"addresses\" must be an array");
    for (const auto& a : *addresses) {
      if (!a.is_string()) return base::fail(kBadArgs, "every address must be a string");
      row.addresses.push_back(a.get<std::string>());
    }
  }
  if (auto to = args.find("redirect_to"); to != args.end()) {
    if (!to->is_string()) return base::fail(kBadArgs, "\"redirect_to\" must be a string");
    row.redirectTo = to->get<std::string>();
  }
  if (auto validity = args.find("validity"); validity != args.end()) {
    if (!validity->is_number_integer() || validity->get<std::int64_t>() <= 0) {
      return base::fail(kBadArgs, "\"validity\" must be a positive number of seconds");
    }
    row.expires = now + std::chrono::seconds(validity->get<std::int64_t>());
  }
  return row;
}

// Wraps a command that needs one role running: `role` finds it (nullptr
// while the role is disabled), `disabled` says how to enable it.
template <class Role>
server::AdminService::Command needs(std::function<Role*()> role, std::string disabled,
                                    std::function<base::Result<json>(Role&, const json&)> run) {
  return [role = std::move(role), disabled = std::move(disabled),
          run = std::move(run)](const json& args) -> base::Result<json> {
    Role* running = role();
    if (running == nullptr) return base::fail(kDisabled, disabled);
    return run(*running, args);
  };
}

server::AdminService::Command needsPublisher(
    ClearinghouseModule& module, std::function<base::Result<json>(Publisher&, const json&)> run) {
  return needs<Publisher>([&module] { return module.publisher(); },
                          "this server is not a clearinghouse ([clearinghouse] enabled = true)",
                          std::move(run));
}

server::AdminService::Command needsMember(
    ClearinghouseModule& module, std::function<base::Result<json>(Member&, const json&)> run) {
  return needs<Member>(
      [&module] { return module.member(); },
      "this server is not a clearinghouse member ([clearinghouse_member] enabled = true)",
      std::move(run));
}

json bootstrapJson(const Member& m) {
  const BootstrapOutcome& b = m.lastBootstrap();
  return {{"url", m.config().bootstrapUrl},
          {"attempt", b.attempt},
          {"state", b.state},
          {"code", b.code},
          {"message", b.message}};
}

}  // namespace

void registerClearinghouseAdminCommands(server::AdminService& admin, ClearinghouseModule& module) {
  admin.add("clearinghouse-set",
            needsPublisher(module, [](Publisher& p, const json& args) -> base::Result<json> {
              auto row = rowArg(args, p.now());
              if (!row) return base::fail(row.error());
              auto set = p.set(std::move(*row), kAdmin);
              if (!set) return base::fail(std::move(set).error());
              return json{{"row", rowJson(*set)}, {"version", p.version()}};
            }));
  admin.add("clearinghouse-remove",
            needsPublisher(module, [](Publisher& p, const json& args) -> base::Result<json> {
              auto domain = stringArg(args, "domain");
              if (!domain) return base::fail(domain.error());
              auto removed = p.remove(*domain, kAdmin);
              if (!removed) return base::fail(std::move(removed).error());
              if (!*removed) return base::fail(kNotFound, "no row for " + *domain);
              return json{{"removed", *domain}, {"version", p.version()}};
            }));
  admin.add("clearinghouse-list",
            needsPublisher(module, [](Publisher& p, const json&) -> base::Result<json> {
              json rows = json::array();
              for (const auto& r : p.rows()) rows.push_back(rowJson(r));
              return json{{"clearinghouse", p.config().jid},
                          {"version", p.version()},
                          {"public_key", p.config().publicKey},
                          {"document", p.document()},
                          {"rows", std::move(rows)}};
            }));
  admin.add("clearinghouse-table",
            needsMember(module, [](Member& m, const json&) -> base::Result<json> {
              json out = {{"clearinghouse", m.config().clearinghouse},
                          {"stale_mode", toString(m.config().stale)},
                          {"bootstrap", bootstrapJson(m)}};
              if (!m.table()) {
                out["version"] = 0;
                out["rows"] = json::array();
                return out;
              }
              json rows = json::array();
              for (const auto& r : m.table()->rows) rows.push_back(rowJson(r));
              out["version"] = m.table()->version;
              out["issued"] = m.table()->issued;
              out["expires"] = m.table()->expires;
              out["stale"] = m.stale();
              out["rows"] = std::move(rows);
              return out;
            }));
  // Starts a fetch over HTTPS and answers at once (the loop must not wait
  // for it): its outcome is "bootstrap" in clearinghouse-table.
  admin.add("clearinghouse-fetch",
            needsMember(module, [](Member& m, const json&) -> base::Result<json> {
              auto attempt = m.fetchOverHttps("asked by the administrator");
              if (!attempt) return base::fail(std::move(attempt).error());
              return json{{"attempt", *attempt}, {"url", m.config().bootstrapUrl}};
            }));
  admin.add("clearinghouse-submit",
            needsMember(module, [](Member& m, const json& args) -> base::Result<json> {
              auto document = stringArg(args, "document");
              if (!document) return base::fail(document.error());
              auto accepted = m.accept(*document, kAdmin);
              if (!accepted) return base::fail(std::move(accepted).error());
              return json{{"outcome", *accepted == Acceptance::accepted ? "accepted" : "unchanged"},
                          {"version", m.table()->version}};
            }));
}

}  // namespace keyfed::clearinghouse
