// keyfedctl: the administrator's tool beside the keyfed daemon (docs/admin.md).
// This file only wires the command line (CLI11) to the commands.

#include <CLI/CLI.hpp>

#include "sections.hpp"

#include "admin_commands.hpp"
#include "clearinghouse_commands.hpp"
#include "context.hpp"
#include "fac_commands.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/config/config.hpp"
#include "user_commands.hpp"

namespace {

using namespace keyfed;

struct Options {
  std::string configFile;
  double timeoutSeconds = 10;
  std::string jid;
  std::string domain;
  std::string command;
  std::string argsJson;
  ctl::FacRequestOptions fac;
  std::string submitFile;
  ctl::AuditOptions audit;
  bool json = false;
  long long entryId = 0;
  std::string policyKind;
  std::string policySpec;
  long long validity = 0;
  ctl::RowOptions row;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"keyfedctl: manage the accounts of a keyfed server and talk to it while it runs"};
  app.fallthrough();  // global options may also follow the subcommand
  app.require_subcommand(1);
  // Required by every command but `fac request` without --to (checked below).
  app.add_option("-c,--config", o.configFile, "the server's configuration file (required)")
      ->envname("KEYFED_CONFIG");
  app.add_option("--timeout", o.timeoutSeconds,
                 "seconds to wait for the running server (default 10)")
      ->check(CLI::Range(0.1, 3600.0));

  auto* user = app.add_subcommand("user", "manage accounts (directly in the server's storage)");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "create an account; the password is read from stdin");
  add->add_option("jid", o.jid, "user@domain")->required();
  auto* del = user->add_subcommand("del", "delete an account and everything stored for it");
  del->add_option("jid", o.jid, "user@domain")->required();
  auto* passwd = user->add_subcommand("passwd", "set a new password, read from stdin");
  passwd->add_option("jid", o.jid, "user@domain")->required();
  auto* list = user->add_subcommand("list", "print the accounts of a virtual host, one per line");
  list->add_option("domain", o.domain, "a configured virtual host")->required();

  auto* status = app.add_subcommand("status", "print the running server's status (JSON)");
  auto* reload = app.add_subcommand(
      "reload", "make the running server re-read its configuration (as SIGHUP does)");
  auto* admin = app.add_subcommand("admin", "send a command to the running server's admin socket");
  admin->add_option("command", o.command, "command name (\"help\" lists them)")->required();
  admin->add_option("args", o.argsJson, "arguments as a JSON object");

  auto* fac = app.add_subcommand("fac", "FAC agent requests (docs/fac-protocol.md)");
  fac->require_subcommand(1);
  auto* request = fac->add_subcommand(
      "request", "build and sign a request; print it, or send it with --to and print the answer");
  request->add_option("--key", o.fac.keyFile, "the requester's private key file (keynote keygen)")
      ->required();
  request->add_option("--credential", o.fac.credentialFiles, "a KeyNote credential file (repeat)");
  request->add_option("--attr", o.fac.attributes, "an action attribute NAME=VALUE (repeat)");
  request->add_option("--target", o.fac.target, "the domain whose agent decides (default: --to's)");
  request->add_option("--to", o.fac.to,
                      "send through the running server to this agent JID (DOMAIN/fac)");
  request->add_option(
      "--https", o.fac.https,
      "POST it to an agent: https://HOST[:PORT]/fac/request (docs/fac-protocol.md)");
  request->add_option("--ca", o.fac.caFile, "with --https: the CA bundle (default: system store)");
  request->add_option("--connect", o.fac.connect,
                      "with --https: the IP address to connect to (default: HOST)");
  request->add_option("--algorithm", o.fac.algorithm,
                      "signature algorithm (default: by key, e.g. sig-ed25519-sha512-hex:)");
  auto* submit = fac->add_subcommand("submit", "have the local agent decide a request (JSON)");
  submit->add_option("file", o.submitFile, "the request file, or - for stdin (default)");

  auto* audit = app.add_subcommand("audit", "the FAC audit log, newest first");
  audit->add_option("--event", o.audit.event, "request, decision, change, expiry, revoke, ...");
  audit->add_option("--request", o.audit.requestId, "one request's records");
  audit->add_option("--outcome", o.audit.outcome,
                    "granted, refused, applied, expired, fac.replay, ...");
  audit->add_option("--peer", o.audit.peer, "who delivered the requests");
  audit->add_option("--entry", o.audit.entry, "records about one live policy entry");
  audit->add_option("--since", o.audit.since, "records at or after this Unix time");
  audit->add_option("--last", o.audit.last, "records of the last SECONDS");
  audit->add_option("--limit", o.audit.limit, "at most this many records (default 50)")
      ->check(CLI::Range(1, 10000));
  audit->add_flag("--json", o.audit.json, "print the records as JSON");

  auto* s2s = app.add_subcommand("s2s", "live server-to-server streams");
  s2s->require_subcommand(1);
  auto* s2sList = s2s->add_subcommand("list", "every domain pair: state, trust level, evidence");
  s2sList->add_flag("--json", o.json, "print the pairs as JSON");

  auto* policy = app.add_subcommand("policy", "the live federation policy");
  policy->require_subcommand(1);
  auto* policyList = policy->add_subcommand("list", "the live entries");
  policyList->add_flag("--json", o.json, "print the entries as JSON");
  auto* policyRevoke = policy->add_subcommand("revoke", "remove a live entry at once");
  policyRevoke->add_option("id", o.entryId, "the entry's id (policy list)")->required();
  auto* policyAdd = policy->add_subcommand("add", "add an entry as the administrator");
  policyAdd
      ->add_option("kind", o.policyKind,
                   "whitelist, packet_filter, content_filter or authentication")
      ->required();
  policyAdd->add_option("spec", o.policySpec, "the rule as JSON (docs/policy.md)")->required();
  policyAdd->add_option("--validity", o.validity, "seconds until it expires (default: never)");

  auto* clearinghouse =
      app.add_subcommand("clearinghouse", "the clearinghouse's table (docs/clearinghouse.md)");
  clearinghouse->require_subcommand(1);
  auto* chSet = clearinghouse->add_subcommand("set", "add or change a community row");
  chSet->add_option("domain", o.row.domain, "the member server's domain")->required();
  chSet->add_option("level", o.row.level, "its level (0..1000)")->required();
  chSet->add_option("--address", o.row.addresses, "an IP address or range it uses (repeat)");
  chSet->add_option("--validity", o.row.validity, "seconds until the row expires (default: never)");
  chSet->add_option("--redirect-to", o.row.redirectTo,
                    "redirection mode: where the server is (\"192.0.2.7:5269\", \"[::1]:5269\")");
  auto* chRemove = clearinghouse->add_subcommand("remove", "remove a community row");
  chRemove->add_option("domain", o.row.domain, "the member server's domain")->required();
  auto* chList = clearinghouse->add_subcommand("list", "the community table (clearinghouse)");
  chList->add_flag("--json", o.json, "print the table as JSON");
  auto* chTable = clearinghouse->add_subcommand("table", "the table this member holds");
  chTable->add_flag("--json", o.json, "print the table as JSON");
  auto* chFetch = clearinghouse->add_subcommand(
      "fetch", "fetch the table over HTTPS now ([clearinghouse_member] bootstrap_url)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a ParseError with exit code 0; every real usage error is 2.
    return app.exit(e) == 0 ? ctl::kExitOk : ctl::kExitUsage;
  }

  // Storage and config messages are for the server's log; here only problems.
  base::configureLogging(base::LogLevel::warn);
  // Signing a request to print it needs no server and no config.
  if (*request && o.fac.to.empty()) {
    ctl::Context noServer;
    noServer.timeout = std::chrono::milliseconds(static_cast<long>(o.timeoutSeconds * 1000));
    return ctl::facRequest(noServer, o.fac);
  }
  if (o.configFile.empty()) {
    ctl::printError("--config FILE (or KEYFED_CONFIG) is required");
    return ctl::kExitUsage;
  }
  // The same file as the daemon reads, with the same module sections.
  auto config = config::loadConfig(o.configFile, app::configSections());
  if (!config) return ctl::failure(config.error());
  ctl::Context ctx{std::move(*config),
                   std::chrono::milliseconds(static_cast<long>(o.timeoutSeconds * 1000))};

  if (*add) return ctl::userAdd(ctx, o.jid);
  if (*del) return ctl::userDel(ctx, o.jid);
  if (*passwd) return ctl::userPasswd(ctx, o.jid);
  if (*list) return ctl::userList(ctx, o.domain);
  if (*status) return ctl::status(ctx);
  if (*reload) return ctl::adminCommand(ctx, "reload", {});
  if (*admin) return ctl::adminCommand(ctx, o.command, o.argsJson);
  if (*request) return ctl::facRequest(ctx, o.fac);
  if (*submit) return ctl::facSubmit(ctx, o.submitFile);
  if (*audit) return ctl::audit(ctx, o.audit);
  if (*s2sList) return ctl::s2sList(ctx, o.json);
  if (*policyList) return ctl::policyList(ctx, o.json);
  if (*policyRevoke) return ctl::policyRevoke(ctx, o.entryId);
  if (*policyAdd) return ctl::policyAdd(ctx, o.policyKind, o.policySpec, o.validity);
  if (*chSet) return ctl::clearinghouseSet(ctx, o.row);
  if (*chRemove) return ctl::clearinghouseRemove(ctx, o.row.domain);
  if (*chList) return ctl::clearinghouseList(ctx, o.json);
  if (*chTable) return ctl::clearinghouseTable(ctx, o.json);
  if (*chFetch) return ctl::clearinghouseFetch(ctx);
  return ctl::kExitUsage;  // unreachable: require_subcommand
}
