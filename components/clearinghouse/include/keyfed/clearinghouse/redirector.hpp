#pragma once
// The clearinghouse's redirection service (docs/clearinghouse.md,
// "Redirection service"). With [clearinghouse] redirect = true, an incoming
// s2s stream naming a domain this server does not serve is answered here once
// the originator has proved its domain (s2s: SASL EXTERNAL or dialback, the
// "s2s-redirect-target" and "s2s-redirect" events): <see-other-host/> with
// the target's real host:port when the table allows the pair, else
// <policy-violation/>. Every answer is audited (clearinghouse-redirect).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/storage/clearinghouse_types.hpp"

namespace keyfed::server {
class Server;
}

namespace keyfed::clearinghouse {

class Publisher;

struct RedirectQuery {
  std::string_view originating;  // the domain the originator proved
  std::string_view address;      // its stream's remote address
  std::string_view target;       // the domain it asked for
};

// The answer: `location` set: redirect there; else refused with `code`
// (redirect.originator, redirect.target, redirect.level, redirect.no-location)
// and `reason`.
struct RedirectVerdict {
  std::string location;
  std::string code;
  std::string reason;
};

// The rule: both domains have a row in force (not expired; the originator's
// row, when it names addresses, counts only for streams from them), both
// levels are at least `minimumLevel`, and the target's row names where it is.
RedirectVerdict decideRedirect(const std::vector<storage::CommunityRow>& rows,
                               const RedirectQuery& query, std::int64_t minimumLevel,
                               base::SystemTime now);

// Hooks the s2s redirect events; answers while publisher.config().redirect.
void installRedirector(server::Server& server, const Publisher& publisher);

}  // namespace keyfed::clearinghouse
