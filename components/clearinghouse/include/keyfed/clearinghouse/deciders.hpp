#pragma once
// The clearinghouse's two deciders in the policy point (docs/clearinghouse.md,
// "Decisions"):
//
// - "clearinghouse-community" (clearinghouse role): a peer with a row in
//   force in the community table may federate with the clearinghouse (to
//   subscribe and fetch); others: abstain.
// - "clearinghouse" (member role): the clearinghouse itself is allowed; any
//   other peer's level (its row in force, else 0) goes into a KeyNote query
//   against the member's local POLICY assertions, and their answer allows or
//   denies. No table, or a stale one under fail_closed: deny.
//
// Both read immutable snapshots: their owners replace the decider (and call
// PolicyPoint::changed()) when the table changes.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keyfed/clearinghouse/config.hpp"
#include "keyfed/clearinghouse/document.hpp"
#include "keyfed/policy/policy_point.hpp"
#include "keyfed/storage/clearinghouse_types.hpp"

namespace keyfed::clearinghouse {

// Whether a row with these addresses and expiry counts for a stream from
// `address` at `nowSeconds`: not expired, and, when it names addresses, the
// stream's address is one of them (or in one of the ranges).
bool rowCounts(const std::vector<std::string>& addresses, std::optional<std::int64_t> expires,
               std::string_view address, std::int64_t nowSeconds);

// The community table as the clearinghouse holds it.
struct CommunityTable {
  std::vector<storage::CommunityRow> rows;  // by domain

  // The row of `domain` in force for `address` at `now`, if any.
  [[nodiscard]] const storage::CommunityRow* inForce(std::string_view domain,
                                                     std::string_view address,
                                                     base::SystemTime now) const;
};

class CommunityDecider final : public policy::Decider {
 public:
  static constexpr std::string_view kName = "clearinghouse-community";
  explicit CommunityDecider(std::shared_ptr<const CommunityTable> table)
      : table_(std::move(table)) {}
  [[nodiscard]] std::string_view name() const override { return kName; }
  [[nodiscard]] policy::Decision decideStream(const policy::PeerFacts& facts) const override;

 private:
  std::shared_ptr<const CommunityTable> table_;
};

// What a member decides with: its configuration and the table it accepted.
struct MemberView {
  MemberConfig config;
  std::optional<TableDocument> table;
};

// The level `peer` has in `table` for a stream from `address` at `now`: its
// row's when the row counts, else 0.
std::int64_t levelOf(const TableDocument& table, std::string_view peer, std::string_view address,
                     base::SystemTime now);

class MemberDecider final : public policy::Decider {
 public:
  static constexpr std::string_view kName = "clearinghouse";
  explicit MemberDecider(std::shared_ptr<const MemberView> view) : view_(std::move(view)) {}
  [[nodiscard]] std::string_view name() const override { return kName; }
  [[nodiscard]] policy::Decision decideStream(const policy::PeerFacts& facts) const override;

 private:
  std::shared_ptr<const MemberView> view_;
};

}  // namespace keyfed::clearinghouse
