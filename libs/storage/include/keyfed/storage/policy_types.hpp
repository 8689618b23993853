#pragma once
// Value types of the live federation policy and the FAC agent's records
// (docs/policy.md, docs/fac-protocol.md). Storage keeps them and never reads
// an entry's spec: its format belongs to libs/policy.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/base/clock.hpp"

namespace keyfed::storage {

enum class PolicyEntryKind {
  whitelist,       // a peer (domain and/or address) may federate
  packetFilter,    // an ordered packet-filter rule (Openfire Packet Filter model)
  contentFilter,   // a regular expression masking or rejecting message bodies
  authentication,  // the lowest trust level a peer domain's streams may use
};
std::string_view toString(PolicyEntryKind kind);
std::optional<PolicyEntryKind> parsePolicyEntryKind(std::string_view name);

// One live entry with its provenance. Entries apply in id order (the order
// packet-filter rules are tried).
struct PolicyEntry {
  std::int64_t id = 0;  // assigned by PolicyEntryStore::add
  PolicyEntryKind kind = PolicyEntryKind::whitelist;
  std::string spec;       // the rule, JSON written and read by libs/policy
  std::string origin;     // "admin" or "request"
  std::string requestId;  // the FAC request that created it (empty for admin)
  std::string requester;  // the requester's KeyNote principal, or who acted for admin
  base::SystemTime created;
  std::optional<base::SystemTime> expires;  // nullopt: until revoked

  bool operator==(const PolicyEntry&) const = default;
};

// One line of the append-only FAC audit log.
struct AuditRecord {
  std::int64_t id = 0;  // assigned by AuditLog::append, increasing
  base::SystemTime at;
  std::string event;         // request, decision, change, expiry, revoke, sent, response, invalid
  std::string requestId;     // may be empty
  std::string principal;     // requester key (or admin), may be empty
  std::string peer;          // where the request came from: a JID, "admin", ...
  std::string outcome;       // granted, refused, invalid, applied, removed, ...
  std::int64_t entryId = 0;  // the policy entry concerned, 0 for none
  std::string detail;        // explanation, JSON of the change, ...

  bool operator==(const AuditRecord&) const = default;
};

// Filters of AuditLog::query; empty strings and unset times match everything.
// Results are newest first.
struct AuditQuery {
  std::optional<base::SystemTime> since;  // at >= since
  std::optional<base::SystemTime> until;  // at < until
  std::string event;
  std::string requestId;
  std::string principal;
  std::string peer;
  std::string outcome;
  std::int64_t entryId = 0;
  std::int64_t beforeId = 0;  // paging: only records with id < beforeId (0: no bound)
  std::size_t limit = 100;    // capped by Limits::auditQueryRows
};

}  // namespace keyfed::storage
