// The clearinghouse-community and clearinghouse (member) deciders.

#include "keyfed/clearinghouse/deciders.hpp"

#include <array>
#include <span>

#include "keyfed/policy/static_decider.hpp"
#include "keynote/session.hpp"

namespace keyfed::clearinghouse {
namespace {

// The KeyNote application domain of the member's query (docs/clearinghouse.md).
constexpr std::string_view kAppDomain = "keyfed-federation";
constexpr std::array<std::string_view, 2> kValues = {"false", "true"};

bool addressMatches(std::string_view pattern, std::string_view address) {
  if (pattern.find('/') != std::string_view::npos)
    return policy::addressInNetwork(address, pattern);
  const std::string single =
      std::string(pattern) + (pattern.find(':') != std::string_view::npos ? "/128" : "/32");
  return policy::addressInNetwork(address, single);
}

policy::Decision deny(std::string reason) {
  return policy::Decision::deny(std::string(MemberDecider::kName), std::move(reason));
}

std::string describeLevel(std::string_view peer, std::int64_t level, const TableDocument& table) {
  return std::string(peer) + " has level " + std::to_string(level) + " in " + table.clearinghouse +
         "'s table v" + std::to_string(table.version);
}

}  // namespace

bool rowCounts(const std::vector<std::string>& addresses, std::optional<std::int64_t> expires,
               std::string_view address, std::int64_t nowSeconds) {
  if (expires && nowSeconds >= *expires) return false;
  if (addresses.empty()) return true;
  for (const auto& a : addresses) {
    if (addressMatches(a, address)) return true;
  }
  return false;
}

const storage::CommunityRow* CommunityTable::inForce(std::string_view domain,
                                                     std::string_view address,
                                                     base::SystemTime now) const {
  for (const auto& row : rows) {
    if (!policy::domainMatches(row.domain, domain)) continue;
    std::optional<std::int64_t> expires;
    if (row.expires) expires = base::unixSeconds(*row.expires);
    return rowCounts(row.addresses, expires, address, base::unixSeconds(now)) ? &row : nullptr;
  }
  return nullptr;
}

policy::Decision CommunityDecider::decideStream(const policy::PeerFacts& facts) const {
  const storage::CommunityRow* row = table_->inForce(facts.peerDomain, facts.address, facts.now);
  if (row == nullptr) return policy::Decision::abstain();
  return policy::Decision::allow(std::string(kName), facts.peerDomain +
                                                         " is a member of the community (level " +
                                                         std::to_string(row->level) + ")");
}

std::int64_t levelOf(const TableDocument& table, std::string_view peer, std::string_view address,
                     base::SystemTime now) {
  const Row* row = table.find(peer);
  if (row == nullptr) return 0;
  return rowCounts(row->addresses, row->expires, address, base::unixSeconds(now)) ? row->level : 0;
}

policy::Decision MemberDecider::decideStream(const policy::PeerFacts& facts) const {
  const MemberConfig& config = view_->config;
  if (policy::domainMatches(config.clearinghouse, facts.peerDomain)) {
    return policy::Decision::allow(std::string(kName),
                                   facts.peerDomain + " is this community's clearinghouse");
  }
  if (!view_->table) {
    return deny("no table from the clearinghouse " + config.clearinghouse +
                " yet (federation waits for it)");
  }
  const TableDocument& table = *view_->table;
  const bool stale = isStale(table, facts.now);
  if (stale && config.stale == StaleMode::failClosed) {
    return deny(config.clearinghouse + "'s table v" + std::to_string(table.version) +
                " expired (stale = fail_closed)");
  }
  const std::int64_t level = levelOf(table, facts.peerDomain, facts.address, facts.now);

  keynote::Session session(keynote::defaultCryptoProvider());
  for (const auto& assertion : config.policyAssertions) {
    if (auto added = session.addAssertion(assertion, keynote::Trust::Trusted); !added) {
      // Checked when the config was loaded; refuse rather than guess.
      return deny("a POLICY assertion was refused: " + added.error().describe());
    }
  }
  const std::string levelText = std::to_string(level);
  const std::string versionText = std::to_string(table.version);
  const std::pair<std::string_view, std::string_view> attributes[] = {
      {"app_domain", kAppDomain},
      {"Peer_Domain", facts.peerDomain},
      {"Peer_Level", levelText},
      {"Peer_Address", facts.address},
      {"Peer_Trust", policy::toString(facts.level())},
      {"Local_Domain", facts.localDomain},
      {"Direction", policy::toString(facts.direction)},
      {"Clearinghouse", config.clearinghouse},
      {"Table_Version", versionText},
      {"Table_Stale", stale ? "true" : "false"},
  };
  for (const auto& [name, value] : attributes) {
    if (auto set = session.setAction(name, value); !set) {
      return deny("attribute " + std::string(name) + ": " + set.error().describe());
    }
  }
  // The clearinghouse vouches for the level: its key is the requester, so a
  // POLICY may name it as Licensee.
  if (auto added = session.addAuthorizer(config.publicKey); !added) {
    return deny("clearinghouse key: " + added.error().describe());
  }
  auto answer = session.query(std::span<const std::string_view>(kValues));
  if (!answer) return deny("KeyNote query: " + answer.error().describe());
  std::string reason = describeLevel(facts.peerDomain, level, table);
  if (stale) reason += " (stale, kept: keep_last_and_warn)";
  if (*answer == 0) return deny(reason + "; the local policy refuses it");
  return policy::Decision::allow(std::string(kName), reason + "; the local policy allows it");
}

}  // namespace keyfed::clearinghouse
