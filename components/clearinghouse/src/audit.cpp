#include "audit.hpp"

namespace keyfed::clearinghouse {

void audit(server::Server& server, const base::Logger& log, AuditEntry entry) {
  storage::AuditRecord r;
  r.at = server.clock().now();
  r.event = std::string(entry.event);
  r.principal = std::string(entry.principal);
  r.peer = std::string(entry.peer);
  r.outcome = std::string(entry.outcome);
  r.detail = std::move(entry.detail);
  if (auto appended = server.storage().audit().append(r); !appended) {
    log.error("audit log: cannot record {} of {}: {}", entry.event, entry.peer,
              appended.error().describe());
  }
}

}  // namespace keyfed::clearinghouse
