#pragma once
// Internal: one record in the server's audit log for both roles; a failure to
// write it is logged (the action it records has already happened).

#include <string>
#include <string_view>

#include "keyfed/base/log.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::clearinghouse {

struct AuditEntry {
  std::string_view event;      // clearinghouse-set, table-published, table-accepted, ...
  std::string_view principal;  // who acted (admin) or whose table (the clearinghouse)
  std::string_view peer;       // the row's domain, or how a table came (pubsub, fetch, admin)
  std::string_view outcome;    // applied, vN, the error code
  std::string detail;
};

void audit(server::Server& server, const base::Logger& log, AuditEntry entry);

}  // namespace keyfed::clearinghouse
