#pragma once
// The live federation policy (docs/policy.md, "Live policy state"): the
// whitelist entries, packet and content filter rules and authentication
// levels that FAC grants and administrators add while the server runs. Every
// change is written to storage first (PolicyEntryStore), so the state survives
// a restart; entries carry their provenance and expiry.
//
// LivePolicy never arms timers or announces changes: its owner (the FAC agent,
// components/agent) expires entries when they are due and calls
// PolicyPoint::changed(). Decisions still ignore an entry whose expiry has
// passed at facts.now, so a late timer never extends a grant.
//
// LiveDecider ("keynote-whitelist") puts it in front of the policy point.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/policy/live_rules.hpp"
#include "keyfed/policy/policy_point.hpp"
#include "keyfed/storage/stores.hpp"

namespace keyfed::policy {

struct LiveEntry {
  storage::PolicyEntry record;  // id, provenance, times, the spec as stored
  Rule rule;
  std::shared_ptr<const re2::RE2> pattern;  // content filters: the compiled pattern
};

// Who made a change and until when.
struct Provenance {
  std::string origin = "admin";  // "admin" or "request"
  std::string requestId;
  std::string requester;
  base::SystemTime created;
  std::optional<base::SystemTime> expires;
};

// Whether the bare JID is a member of the named group (packet-filter group
// parties). Without one, groups have no members.
using GroupMembership = std::function<bool(std::string_view group, std::string_view bareJid)>;

class LivePolicy {
 public:
  explicit LivePolicy(storage::PolicyEntryStore& store) : store_(store) {}

  // Reads the stored entries (at start, and nothing else). An entry whose
  // spec does not parse is left out; its id and the reason are returned.
  base::Result<std::vector<std::string>> load();

  // Adds the rules as one change (all or nothing), stored first. Returns the
  // new entries in order.
  base::Result<std::vector<storage::PolicyEntry>> add(std::span<const Rule> rules,
                                                      const Provenance& provenance);
  // Removes an entry; nullopt when there is none with this id.
  base::Result<std::optional<storage::PolicyEntry>> revoke(std::int64_t id);
  // Removes the entries due at `now` and returns them.
  base::Result<std::vector<storage::PolicyEntry>> expire(base::SystemTime now);
  // The earliest expiry among the entries, if any expire.
  [[nodiscard]] std::optional<base::SystemTime> nextExpiry() const;

  [[nodiscard]] const std::vector<LiveEntry>& entries() const { return entries_; }
  [[nodiscard]] const LiveEntry* find(std::int64_t id) const;
  void setGroups(GroupMembership groups) { groups_ = std::move(groups); }

  // The decisions of the "keynote-whitelist" decider (docs/policy.md).
  [[nodiscard]] Decision decideStream(const PeerFacts& facts) const;
  [[nodiscard]] Decision decideStanza(const StanzaFacts& facts) const;

  // c2s enforcement (docs/policy.md, "Packet filters on c2s"): a stanza
  // between two local users is judged by the packet-filter rules whose source
  // or destination names a user or a group, first match wins; abstain when
  // none matches. hasUserRules() is the allocation-free test callers make
  // before building facts for every stanza.
  [[nodiscard]] Decision decideLocalStanza(const StanzaFacts& facts) const;
  [[nodiscard]] bool hasUserRules() const { return userRules_ > 0; }

 private:
  [[nodiscard]] bool partyMatches(const Party& party, std::string_view bareJid) const;
  [[nodiscard]] bool packetRuleMatches(const PacketRule& rule, const StanzaFacts& facts) const;
  [[nodiscard]] bool peerIsRestricted(const StanzaFacts& facts) const;
  void countUserRules();

  storage::PolicyEntryStore& store_;
  std::vector<LiveEntry> entries_;  // by id
  std::size_t userRules_ = 0;       // packet-filter rules naming a user or group
  GroupMembership groups_;
};

// Whether `entry` is in force at `now` (its expiry, if any, is later).
bool inForce(const storage::PolicyEntry& entry, base::SystemTime now);
// A whitelist rule's peer test: domain and address, each when set.
bool whitelistMatches(const WhitelistRule& rule, std::string_view peerDomain,
                      std::string_view peerAddress);
// Whether a packet-filter rule's source or destination is a user or a group
// (what c2s enforces).
bool namesUserOrGroup(const PacketRule& rule);

class LiveDecider final : public Decider {
 public:
  static constexpr std::string_view kName = "keynote-whitelist";
  explicit LiveDecider(std::shared_ptr<const LivePolicy> live) : live_(std::move(live)) {}
  [[nodiscard]] std::string_view name() const override { return kName; }
  [[nodiscard]] Decision decideStream(const PeerFacts& facts) const override {
    return live_->decideStream(facts);
  }
  [[nodiscard]] Decision decideStanza(const StanzaFacts& facts) const override {
    return live_->decideStanza(facts);
  }

 private:
  std::shared_ptr<const LivePolicy> live_;
};

}  // namespace keyfed::policy
