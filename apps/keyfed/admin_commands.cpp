#include "admin_commands.hpp"

#include <nlohmann/json.hpp>

#include "keyfed/modules/s2s.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::app {
namespace {

using nlohmann::json;

json status(server::Server& server) {
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(server.clock().steadyNow() -
                                                                       server.startedAt());
  json hosts = json::object();
  for (const auto& host : server.config().virtualHosts) {
    hosts[host.domain] = {{"sessions", server.sessions().countForHost(host.domain)}};
  }
  return {{"version", std::string(server::serverVersion())},
          {"uptime_seconds", uptime.count()},
          {"connections", server.connectionCount()},
          {"sessions", server.sessions().count()},
          {"virtual_hosts", hosts},
          {"shutting_down", server.shuttingDown()}};
}

// An account was deleted or its password changed behind the server's back:
// its sessions must not outlive the credentials they logged in with.
base::Result<json> userChanged(server::Server& server, const json& args) {
  if (!args.contains("jid") || !args["jid"].is_string()) {
    return base::fail(server::admin_errc::kBadArgs, "expected {\"jid\": \"user@domain\"}");
  }
  auto jid = xmpp::Jid::parse(args["jid"].get<std::string>());
  if (!jid || !jid->hasNode()) return base::fail(server::admin_errc::kBadArgs, "not a user JID");
  std::vector<server::ClientSession*> sessions = server.sessions().resources(jid->bareView());
  for (auto* session : sessions) {
    session->closeWithError(xmpp::StreamErrorCondition::notAuthorized,
                            "the account was changed by an administrator");
  }
  return json{{"closed_sessions", sessions.size()}};
}

json s2sList(server::Module& s2s) {
  json pairs = json::array();
  for (const auto& p : modules::s2sPairs(s2s)) {
    pairs.push_back({{"local", p.local},
                     {"remote", p.remote},
                     {"direction", p.direction},
                     {"state", p.state},
                     {"address", p.address},
                     {"level", p.level},
                     {"evidence", p.evidence},
                     {"why", p.why},
                     {"stream", p.stream},
                     {"seconds", p.seconds}});
  }
  return {{"pairs", std::move(pairs)}};
}

}  // namespace

void registerS2sAdminCommands(server::AdminService& admin, server::Module& s2s) {
  admin.add("s2s-list", [&s2s](const json&) -> base::Result<json> { return s2sList(s2s); });
}

void registerAdminCommands(server::AdminService& admin, server::Server& server,
                           std::function<base::Result<void>()> reload) {
  admin.add("reload", [&server, reload = std::move(reload)](const json&) -> base::Result<json> {
    if (auto done = reload(); !done) return base::fail(std::move(done).error());
    return json{{"file", server.config().file.string()}};
  });
  admin.add("status", [&server](const json&) -> base::Result<json> { return status(server); });
  admin.add("user-changed", [&server](const json& args) { return userChanged(server, args); });
}

}  // namespace keyfed::app
