#pragma once
// The FAC agent from the command line (docs/fac-protocol.md, docs/admin.md):
//
//   keyfedctl fac request --key FILE [--credential FILE]... [--attr NAME=VALUE]...
//                         [--target DOMAIN] [--to JID] [--algorithm SIG-ALG]
//       builds and signs a request. Without --to it is printed (JSON, one
//       line) for another transport; with --to the running server's agent
//       sends it (admin command fac-send) and the answer is printed; with
//       --https URL [--ca FILE] [--connect ADDRESS] it is POSTed to that agent
//       over HTTPS (no config needed) and the answer is printed.
//   keyfedctl fac submit [FILE|-]     the local agent decides a request (fac-submit)
//   keyfedctl audit [filters]         the audit log, newest first
//   keyfedctl policy list | revoke ID | add KIND SPEC [--validity S]
//
// Exit codes: 0 granted / done, 1 refused, invalid or failed, 2 usage, 3 not running.

#include <string>
#include <vector>

#include "context.hpp"

namespace keyfed::ctl {

struct FacRequestOptions {
  std::string keyFile;
  std::vector<std::string> credentialFiles;
  std::vector<std::string> attributes;  // NAME=VALUE
  std::string target;
  std::string to;
  std::string algorithm;
  std::string https;    // POST it to this agent URL (https://HOST[:PORT]/fac/request)
  std::string caFile;   // ... checking the server's certificate with this CA bundle
  std::string connect;  // ... connecting to this IP address instead of HOST
};
int facRequest(const Context& ctx, const FacRequestOptions& options);
int facSubmit(const Context& ctx, const std::string& file);

struct AuditOptions {
  std::string event;
  std::string requestId;
  std::string outcome;
  std::string peer;
  long long entry = 0;
  long long since = -1;  // Unix seconds
  long long last = 0;    // seconds before now
  long long limit = 50;
  bool json = false;
};
int audit(const Context& ctx, const AuditOptions& options);

int policyList(const Context& ctx, bool json);
int policyRevoke(const Context& ctx, long long id);
int policyAdd(const Context& ctx, const std::string& kind, const std::string& spec,
              long long validity);

}  // namespace keyfed::ctl
