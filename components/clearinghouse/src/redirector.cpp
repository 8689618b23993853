// The redirection service: the decision from the community table, and the
// s2s hooks that ask for it (docs/clearinghouse.md, "Redirection service").

#include "keyfed/clearinghouse/redirector.hpp"

#include "audit.hpp"
#include "keyfed/clearinghouse/deciders.hpp"
#include "keyfed/clearinghouse/publisher.hpp"

namespace keyfed::clearinghouse {
namespace {

const storage::CommunityRow* findRow(const std::vector<storage::CommunityRow>& rows,
                                     std::string_view domain) {
  for (const auto& row : rows) {
    if (row.domain == domain) return &row;
  }
  return nullptr;
}

// The originator's row: not expired, and from one of its addresses if it names any.
bool inForce(const storage::CommunityRow& row, std::string_view address, base::SystemTime now) {
  std::optional<std::int64_t> expires;
  if (row.expires) expires = base::unixSeconds(*row.expires);
  return rowCounts(row.addresses, expires, address, base::unixSeconds(now));
}

RedirectVerdict refuse(std::string code, std::string reason) {
  return RedirectVerdict{{}, std::move(code), std::move(reason)};
}

}  // namespace

RedirectVerdict decideRedirect(const std::vector<storage::CommunityRow>& rows,
                               const RedirectQuery& query, std::int64_t minimumLevel,
                               base::SystemTime now) {
  const std::string originating(query.originating);
  const std::string target(query.target);
  const auto* from = findRow(rows, query.originating);
  if (from == nullptr || !inForce(*from, query.address, now)) {
    return refuse("redirect.originator", originating + " (" + std::string(query.address) +
                                             ") is not a member of this community in force");
  }
  const auto* to = findRow(rows, query.target);
  // The target's addresses say where its streams come from, not where we are.
  if (to == nullptr || (to->expires && now >= *to->expires)) {
    return refuse("redirect.target", target + " is not a member of this community in force");
  }
  for (const auto* row : {from, to}) {
    if (row->level < minimumLevel) {
      return refuse("redirect.level", row->domain + " has level " + std::to_string(row->level) +
                                          "; federation needs level " +
                                          std::to_string(minimumLevel) + " at both ends");
    }
  }
  if (to->redirectTo.empty()) {
    return refuse("redirect.no-location", "the clearinghouse has no address for " + target +
                                              " (its row has no redirect_to)");
  }
  return RedirectVerdict{to->redirectTo, {}, {}};
}

void installRedirector(server::Server& server, const Publisher& publisher) {
  server.hooks().redirects.hook("s2s-redirect-target", [&publisher](server::RedirectEvent& e) {
    if (!publisher.config().redirect) return false;
    e.via = publisher.config().jid;
    return true;
  });
  server.hooks().redirects.hook(
      "s2s-redirect", [&publisher, log = base::Logger{"clearinghouse"}](server::RedirectEvent& e) {
        if (!publisher.config().redirect) return false;
        const auto verdict =
            decideRedirect(publisher.rows(), {e.originating, e.address, e.target},
                           publisher.config().redirectMinimumLevel, e.server.clock().now());
        const std::string pair = std::string(e.originating) + " -> " + std::string(e.target);
        if (!verdict.location.empty()) {
          e.location = verdict.location;
          log.info("redirect {} ({}, {}): see-other-host {}", pair, e.address, e.method,
                   verdict.location);
          audit(e.server, log,
                {"clearinghouse-redirect", e.originating, e.target, "see-other-host",
                 pair + " to " + verdict.location + " (" + std::string(e.method) + ", from " +
                     std::string(e.address) + ")"});
        } else {
          e.reason = verdict.reason;
          log.info("redirect {} ({}, {}): refused: {}", pair, e.address, e.method, verdict.reason);
          audit(e.server, log,
                {"clearinghouse-redirect", e.originating, e.target, verdict.code,
                 verdict.reason + " (" + std::string(e.method) + ", from " +
                     std::string(e.address) + ")"});
        }
        return true;
      });
}

}  // namespace keyfed::clearinghouse
