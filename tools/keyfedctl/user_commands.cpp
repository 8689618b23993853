#include "user_commands.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "admin_client.hpp"
#include "keyfed/server/credentials.hpp"
#include "keyfed/storage/open.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "password_input.hpp"

namespace keyfed::ctl {

namespace {

constexpr const char* kBadJid = "keyfedctl.bad-jid";

std::string configuredHosts(const config::Config& config) {
  std::string out;
  for (const auto& host : config.virtualHosts) {
    if (!out.empty()) out += ", ";
    out += host.domain;
  }
  return out;
}

base::Result<const config::VirtualHost*> findHost(std::string_view domain,
                                                  const config::Config& config) {
  const config::VirtualHost* host = config.findHost(domain);
  if (host == nullptr) {
    return base::fail(kBadJid,
                      "'" + std::string(domain) + "' is not a virtual host of this server (" +
                          config.file.string() + " serves: " + configuredHosts(config) + ")");
  }
  return host;
}

base::Result<std::unique_ptr<storage::Storage>> connectStorage(const Context& ctx) {
  auto opened = storage::openStorage(ctx.config);
  if (!opened) return base::fail(std::move(opened).error());
  return std::move(*opened);
}

// Tells a running server that the account changed, so that it closes the
// user's sessions. A server that is not running has nothing to close; one
// without an admin socket cannot be told (docs/admin.md).
void notifyServer(const Context& ctx, const Account& account) {
  if (ctx.config.server.adminSocket.empty()) return;  // turned off: nobody to tell
  auto reply = callAdmin(ctx.config.server.adminSocket, "user-changed", {{"jid", account.jid()}},
                         ctx.timeout);
  if (!reply) {
    if (reply.error().code == errc::kNotRunning) return;
    printWarning("could not tell the running server (" + reply.error().describe() +
                 "); sessions of " + account.jid() + " stay open until they end");
    return;
  }
  if (!reply->ok) {
    printWarning("the running server answered: " + reply->errorMessage + " [" + reply->errorCode +
                 "]; sessions of " + account.jid() + " stay open until they end");
  }
}

// Reads the password from stdin and derives the credentials the way every
// account is created (server::makeAccountCredentials: SCRAM-SHA-1 and
// SCRAM-SHA-256, kDefaultScramIterations, a fresh salt for each).
base::Result<storage::Credentials> credentialsFromStdin() {
  auto password = readNewPassword();
  if (!password) return base::fail(std::move(password).error());
  auto credentials = server::makeAccountCredentials(*password);
  if (!credentials) {
    return base::fail("keyfedctl.bad-password", "password refused: " + credentials.error().message);
  }
  return credentials;
}

bool isNotFound(const base::Error& error) {
  return error.code == storage::errc::kNotFound;
}

}  // namespace

base::Result<Account> parseAccount(std::string_view jid, const config::Config& config) {
  const std::string quoted = "'" + std::string(jid) + "'";
  const auto at = jid.find('@');
  if (at == std::string_view::npos) {
    return base::fail(kBadJid, quoted + " is not an account: expected user@domain");
  }
  if (jid.find('@', at + 1) != std::string_view::npos) {
    return base::fail(kBadJid, quoted + " has more than one '@': expected user@domain");
  }
  if (jid.find('/') != std::string_view::npos) {
    return base::fail(kBadJid, quoted + " has a resource: give the bare JID user@domain");
  }
  const std::string_view local = jid.substr(0, at);
  const std::string_view domain = jid.substr(at + 1);
  if (local.empty()) return base::fail(kBadJid, quoted + " has an empty user part");
  // Strict: an account name is a stored string, so unassigned code points are
  // refused (RFC 3454 section 7); a later Unicode version could map them.
  auto prepared = xmpp::nodeprep(local, /*strict=*/true);
  if (!prepared) {
    return base::fail(kBadJid,
                      quoted + ": the user part is not valid: " + prepared.error().message);
  }
  if (prepared->empty() || prepared->size() > xmpp::Jid::kMaxPartBytes) {
    return base::fail(kBadJid, quoted + ": the user part must be 1 to 1023 bytes once prepared");
  }
  auto host = findHost(domain, config);
  if (!host) return base::fail(std::move(host).error());
  return Account{std::move(*prepared), (*host)->domain};
}

int userAdd(const Context& ctx, std::string_view jid) {
  auto account = parseAccount(jid, ctx.config);
  if (!account) return failure(account.error());
  auto storage = connectStorage(ctx);
  if (!storage) return failure(storage.error());
  auto& accounts = (*storage)->accounts();
  // Before asking for a password nobody would use.
  auto exists = accounts.exists(account->user, account->host);
  if (!exists) return failure(exists.error());
  if (*exists) return failure("user " + account->jid() + " already exists");
  auto credentials = credentialsFromStdin();
  if (!credentials) return failure(credentials.error());
  auto created = accounts.create(account->user, account->host, *credentials);
  if (!created) {
    if (created.error().code == storage::errc::kConflict) {
      return failure("user " + account->jid() + " already exists");
    }
    return failure(created.error());
  }
  std::printf("added %s\n", account->jid().c_str());
  return kExitOk;
}

int userDel(const Context& ctx, std::string_view jid) {
  auto account = parseAccount(jid, ctx.config);
  if (!account) return failure(account.error());
  auto storage = connectStorage(ctx);
  if (!storage) return failure(storage.error());
  auto removed = (*storage)->accounts().remove(account->user, account->host);
  if (!removed) {
    if (isNotFound(removed.error())) {
      return failure("no such user: " + account->jid());
    }
    return failure(removed.error());
  }
  std::printf("deleted %s\n", account->jid().c_str());
  notifyServer(ctx, *account);
  return kExitOk;
}

int userPasswd(const Context& ctx, std::string_view jid) {
  auto account = parseAccount(jid, ctx.config);
  if (!account) return failure(account.error());
  auto storage = connectStorage(ctx);
  if (!storage) return failure(storage.error());
  auto& accounts = (*storage)->accounts();
  auto exists = accounts.exists(account->user, account->host);
  if (!exists) return failure(exists.error());
  if (!*exists) return failure("no such user: " + account->jid());
  auto credentials = credentialsFromStdin();
  if (!credentials) return failure(credentials.error());
  auto changed = accounts.setCredentials(account->user, account->host, *credentials);
  if (!changed) {
    if (isNotFound(changed.error())) {
      return failure("no such user: " + account->jid());
    }
    return failure(changed.error());
  }
  std::printf("changed the password of %s\n", account->jid().c_str());
  notifyServer(ctx, *account);
  return kExitOk;
}

int userList(const Context& ctx, std::string_view domain) {
  auto host = findHost(domain, ctx.config);
  if (!host) return failure(host.error());
  auto storage = connectStorage(ctx);
  if (!storage) return failure(storage.error());
  auto users = (*storage)->accounts().list((*host)->domain);
  if (!users) return failure(users.error());
  std::vector<std::string> jids;
  jids.reserve(users->size());
  for (const auto& user : *users) jids.push_back(user + "@" + (*host)->domain);
  std::sort(jids.begin(), jids.end());
  for (const auto& jid : jids) std::printf("%s\n", jid.c_str());
  return kExitOk;
}

}  // namespace keyfed::ctl
