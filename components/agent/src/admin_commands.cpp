// The agent's admin socket commands (docs/admin.md, "FAC agent").

#include <nlohmann/json.hpp>

#include "keyfed/agent/module.hpp"
#include "keyfed/server/admin_service.hpp"

namespace keyfed::agent {
namespace {

using nlohmann::json;
using server::admin_errc::kBadArgs;

constexpr const char* kDisabled = "agent.disabled";
constexpr const char* kNotFound = "agent.not-found";
constexpr const char* kAdmin = "admin";

json entryJson(const storage::PolicyEntry& e) {
  auto rule = policy::parseRule(e.kind, e.spec);
  json spec = json::parse(e.spec, nullptr, false);
  json j = {{"id", e.id},
            {"kind", storage::toString(e.kind)},
            {"rule", rule ? policy::describe(*rule) : e.spec},
            {"spec", spec.is_discarded() ? json(e.spec) : spec},
            {"origin", e.origin},
            {"request_id", e.requestId},
            {"requester", e.requester},
            {"created", base::unixSeconds(e.created)}};
  j["expires"] = e.expires ? json(base::unixSeconds(*e.expires)) : json(nullptr);
  return j;
}

json auditJson(const storage::AuditRecord& r) {
  return {{"id", r.id},
          {"at", base::unixSeconds(r.at)},
          {"event", r.event},
          {"request_id", r.requestId},
          {"principal", r.principal},
          {"peer", r.peer},
          {"outcome", r.outcome},
          {"entry", r.entryId},
          {"detail", r.detail}};
}

// Wraps a command that needs the running agent.
server::AdminService::Command needsAgent(
    AgentModule& module, std::function<base::Result<json>(Agent&, const json&)> command) {
  return [&module, command = std::move(command)](const json& args) -> base::Result<json> {
    Agent* agent = module.agent();
    if (agent == nullptr) {
      return base::fail(kDisabled, "the FAC agent is not enabled ([agent] enabled = true)");
    }
    return command(*agent, args);
  };
}

base::Result<std::string> stringArg(const json& args, const char* name, bool required = true) {
  auto it = args.find(name);
  if (it == args.end()) {
    if (!required) return std::string();
    return base::fail(kBadArgs, std::string("\"") + name + "\" is required");
  }
  if (!it->is_string())
    return base::fail(kBadArgs, std::string("\"") + name + "\" must be a string");
  return it->get<std::string>();
}

base::Result<std::int64_t> integerArg(const json& args, const char* name, std::int64_t fallback) {
  auto it = args.find(name);
  if (it == args.end()) return fallback;
  if (!it->is_number_integer()) {
    return base::fail(kBadArgs, std::string("\"") + name + "\" must be an integer");
  }
  return it->get<std::int64_t>();
}

// The request as text: a JSON object is serialized, a string taken as is.
base::Result<std::string> requestArg(const json& args) {
  auto it = args.find("request");
  if (it == args.end()) return base::fail(kBadArgs, "\"request\" is required");
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) return it->dump(-1, ' ', false, json::error_handler_t::replace);
  return base::fail(kBadArgs, "\"request\" must be a JSON object (or its text)");
}

base::Result<json> auditQuery(server::Server& server, const json& args) {
  storage::AuditQuery q;
  auto text = [&](const char* name, std::string& into) -> base::Result<void> {
    auto v = stringArg(args, name, false);
    if (!v) return base::fail(v.error());
    into = *v;
    return {};
  };
  for (auto [name, field] : {std::pair{"event", &q.event}, std::pair{"request_id", &q.requestId},
                             std::pair{"principal", &q.principal}, std::pair{"peer", &q.peer},
                             std::pair{"outcome", &q.outcome}}) {
    if (auto r = text(name, *field); !r) return base::fail(r.error());
  }
  auto entry = integerArg(args, "entry", 0);
  auto since = integerArg(args, "since", -1);
  auto until = integerArg(args, "until", -1);
  auto before = integerArg(args, "before", 0);
  auto limit = integerArg(args, "limit", 100);
  for (const auto* r : {&entry, &since, &until, &before, &limit}) {
    if (!*r) return base::fail(r->error());
  }
  if (*limit < 1) return base::fail(kBadArgs, "\"limit\" must be at least 1");
  q.entryId = *entry;
  if (*since >= 0) q.since = base::fromUnixSeconds(*since);
  if (*until >= 0) q.until = base::fromUnixSeconds(*until);
  q.beforeId = *before;
  q.limit = static_cast<std::size_t>(*limit);
  auto records = server.storage().audit().query(q);
  if (!records) return base::fail(std::move(records).error());
  json list = json::array();
  for (const auto& r : *records) list.push_back(auditJson(r));
  return json{{"records", std::move(list)}};
}

}  // namespace

void registerAgentAdminCommands(server::AdminService& admin, AgentModule& module) {
  admin.add("fac-submit",
            needsAgent(module, [](Agent& agent, const json& args) -> base::Result<json> {
              auto request = requestArg(args);
              if (!request) return base::fail(request.error());
              const Response response = agent.handle(*request, Origin{kAdmin, ""});
              return json::parse(response.toJson());
            }));
  admin.add("fac-send",
            needsAgent(module, [](Agent& agent, const json& args) -> base::Result<json> {
              auto to = stringArg(args, "to");
              if (!to) return base::fail(to.error());
              auto text = requestArg(args);
              if (!text) return base::fail(text.error());
              auto request = parseRequest(*text);
              if (!request) return base::fail(request.error());
              auto id = agent.send(*to, *request);
              if (!id) return base::fail(id.error());
              return json{{"id", *id}, {"request_id", requestId(*request)}};
            }));
  admin.add("fac-result",
            needsAgent(module, [](Agent& agent, const json& args) -> base::Result<json> {
              auto id = stringArg(args, "id");
              if (!id) return base::fail(id.error());
              const Outgoing* out = agent.outgoing(*id);
              if (out == nullptr) return json{{"status", "unknown"}};
              if (!out->answered) return json{{"status", "pending"}, {"to", out->to}};
              json response = json::parse(out->response, nullptr, false);
              return json{{"status", "answered"},
                          {"to", out->to},
                          {"response", response.is_discarded() ? json(out->response) : response}};
            }));
  admin.add("policy-list", needsAgent(module, [](Agent& agent, const json&) -> base::Result<json> {
              json list = json::array();
              for (const auto& e : agent.live().entries()) list.push_back(entryJson(e.record));
              return json{{"entries", std::move(list)}};
            }));
  admin.add("policy-revoke",
            needsAgent(module, [](Agent& agent, const json& args) -> base::Result<json> {
              auto id = integerArg(args, "id", 0);
              if (!id) return base::fail(id.error());
              if (*id <= 0) return base::fail(kBadArgs, "\"id\" (a live entry's id) is required");
              auto removed = agent.revoke(*id, kAdmin);
              if (!removed) return base::fail(std::move(removed).error());
              if (!*removed)
                return base::fail(kNotFound, "no live policy entry " + std::to_string(*id));
              return json{{"revoked", entryJson(**removed)}};
            }));
  admin.add("policy-add",
            needsAgent(module, [](Agent& agent, const json& args) -> base::Result<json> {
              auto kindName = stringArg(args, "kind");
              if (!kindName) return base::fail(kindName.error());
              auto kind = storage::parsePolicyEntryKind(*kindName);
              if (!kind) {
                return base::fail(
                    kBadArgs,
                    "\"kind\" must be whitelist, packet_filter, content_filter or authentication");
              }
              auto spec = args.find("spec");
              if (spec == args.end() || !spec->is_object()) {
                return base::fail(kBadArgs, "\"spec\" must be a JSON object (docs/policy.md)");
              }
              auto rule = policy::parseRule(*kind, spec->dump());
              if (!rule) return base::fail(kBadArgs, rule.error().message);
              auto validity = integerArg(args, "validity", 0);
              if (!validity) return base::fail(validity.error());
              if (*validity < 0)
                return base::fail(kBadArgs, "\"validity\" must be positive (seconds)");
              std::optional<std::chrono::seconds> lasts;
              if (*validity > 0) lasts = std::chrono::seconds(*validity);
              auto added = agent.addEntries({*rule}, lasts, kAdmin);
              if (!added) return base::fail(std::move(added).error());
              json list = json::array();
              for (const auto& e : *added) list.push_back(entryJson(e));
              return json{{"entries", std::move(list)}};
            }));
  // The audit log is the server's (the clearinghouse writes to it too), so it
  // is readable whether or not the agent runs.
  admin.add("audit", [&module](const json& args) -> base::Result<json> {
    server::Server* server = module.server();
    if (server == nullptr) return base::fail(kDisabled, "the server has not loaded its modules");
    return auditQuery(*server, args);
  });
}

}  // namespace keyfed::agent
