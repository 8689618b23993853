#pragma once
// Value types of the clearinghouse (components/clearinghouse,
// docs/clearinghouse.md): the community table kept by the clearinghouse role,
// and the signed table documents both roles keep.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keyfed/base/clock.hpp"

namespace keyfed::storage {

// One row of the community table: a server domain and its level, optionally
// bound to addresses (IP literals or CIDR ranges) and until an expiry.
struct CommunityRow {
  std::string domain;
  std::int64_t level = 0;
  std::vector<std::string> addresses;
  std::optional<base::SystemTime> expires;
  base::SystemTime updated{};
  // Redirection mode: where the server really is ("192.0.2.7:5269",
  // "[2001:db8::7]:5269"); "" when not given. Kept by the clearinghouse, not
  // published in the table.
  std::string redirectTo;
};

// A signed table document as received or published (its JSON text) and its
// version, under a name ("published" on the clearinghouse, "member" on a member).
struct StoredDocument {
  std::int64_t version = 0;
  std::string text;
  base::SystemTime stored{};
};

}  // namespace keyfed::storage
