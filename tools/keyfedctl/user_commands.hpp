#pragma once
// `keyfedctl user add|del|passwd|list`: accounts, directly in the configured
// storage (SQLite in WAL mode lets this run beside the server). del and passwd
// then tell a running server, which closes the user's sessions.

#include <string>
#include <string_view>

#include "context.hpp"
#include "keyfed/base/result.hpp"

namespace keyfed::ctl {

struct Account {
  std::string user;  // prepared localpart (strict Nodeprep)
  std::string host;  // the virtual host's domain as configured
  std::string jid() const { return user + "@" + host; }
};

// "user@domain" with exactly one '@', a localpart that passes strict Nodeprep
// and a domain that is a configured virtual host. Error code keyfedctl.bad-jid.
base::Result<Account> parseAccount(std::string_view jid, const config::Config& config);

int userAdd(const Context& ctx, std::string_view jid);
int userDel(const Context& ctx, std::string_view jid);
int userPasswd(const Context& ctx, std::string_view jid);
int userList(const Context& ctx, std::string_view domain);

}  // namespace keyfed::ctl
