// keyfedctl: the administrator's tool beside the keyfed daemon (docs/admin.md).
// This file only wires the command line (CLI11) to the commands.

#include <CLI/CLI.hpp>

#include "sections.hpp"

#include "admin_commands.hpp"
#include "context.hpp"
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
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"keyfedctl: manage the accounts of a keyfed server and talk to it while it runs"};
  app.fallthrough();  // global options may also follow the subcommand
  app.require_subcommand(1);
  app.add_option("-c,--config", o.configFile, "the server's configuration file")
      ->required()
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a ParseError with exit code 0; every real usage error is 2.
    return app.exit(e) == 0 ? ctl::kExitOk : ctl::kExitUsage;
  }

  // Storage and config messages are for the server's log; here only problems.
  base::configureLogging(base::LogLevel::warn);
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
  return ctl::kExitUsage;  // unreachable: require_subcommand
}
