#pragma once
// The clearinghouse from the command line (docs/clearinghouse.md, docs/admin.md):
//
//   keyfedctl clearinghouse set DOMAIN LEVEL [--address A]... [--validity S]
//   keyfedctl clearinghouse remove DOMAIN
//   keyfedctl clearinghouse list [--json]      the community table (clearinghouse role)
//   keyfedctl clearinghouse table [--json]     the table this member holds
//   keyfedctl clearinghouse fetch              fetch it over HTTPS now (bootstrap_url)
//
// Exit codes: 0 done, 1 refused or failed, 3 not running.

#include <string>
#include <vector>

#include "context.hpp"

namespace keyfed::ctl {

struct RowOptions {
  std::string domain;
  long long level = 0;
  std::vector<std::string> addresses;
  long long validity = 0;  // seconds; 0: no expiry
  std::string redirectTo;  // redirection mode: "host:port" ("" none)
};
int clearinghouseSet(const Context& ctx, const RowOptions& row);
int clearinghouseRemove(const Context& ctx, const std::string& domain);
int clearinghouseList(const Context& ctx, bool json);
int clearinghouseTable(const Context& ctx, bool json);
int clearinghouseFetch(const Context& ctx);

}  // namespace keyfed::ctl
