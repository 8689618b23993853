#include "keyfed/policy/live_policy.hpp"

#include <re2/re2.h>

#include <algorithm>

#include "keyfed/policy/static_decider.hpp"

namespace keyfed::policy {
namespace {

constexpr std::string_view kDecider = LiveDecider::kName;

std::string_view domainOf(std::string_view bareJid) {
  const auto at = bareJid.find('@');
  return at == std::string_view::npos ? bareJid : bareJid.substr(at + 1);
}

bool ciEquals(std::string_view a, std::string_view b) {
  return domainMatches(a, b) && !a.starts_with("*.");
}

// "entry 12 (request 9f3a..., until 2024-01-01T10:00:00Z)" for reasons.
std::string provenanceOf(const storage::PolicyEntry& e) {
  std::string out = "entry " + std::to_string(e.id);
  if (!e.requestId.empty())
    out += " (request " + e.requestId + ")";
  else
    out += " (" + e.origin + ")";
  return out;
}

base::Result<LiveEntry> compile(storage::PolicyEntry record, Rule rule) {
  LiveEntry entry{std::move(record), std::move(rule), nullptr};
  if (const auto* c = std::get_if<ContentRule>(&entry.rule)) {
    auto pattern = compileContentPattern(c->pattern);
    if (!pattern) return base::fail(pattern.error());
    entry.pattern = std::move(*pattern);
  }
  return entry;
}

}  // namespace

bool inForce(const storage::PolicyEntry& entry, base::SystemTime now) {
  return !entry.expires || *entry.expires > now;
}

bool whitelistMatches(const WhitelistRule& rule, std::string_view peerDomain,
                      std::string_view peerAddress) {
  if (!rule.domain.empty() && !domainMatches(rule.domain, peerDomain)) return false;
  if (!rule.address.empty() && !addressInNetwork(peerAddress, rule.address)) return false;
  return true;
}

bool namesUserOrGroup(const PacketRule& rule) {
  const auto names = [](const Party& p) {
    return p.kind == PartyKind::user || p.kind == PartyKind::group;
  };
  return names(rule.source) || names(rule.destination);
}

void LivePolicy::countUserRules() {
  userRules_ = 0;
  for (const auto& e : entries_) {
    const auto* p = std::get_if<PacketRule>(&e.rule);
    if (p != nullptr && namesUserOrGroup(*p)) ++userRules_;
  }
}

base::Result<std::vector<std::string>> LivePolicy::load() {
  auto stored = store_.list();
  if (!stored) return base::fail(std::move(stored).error());
  entries_.clear();
  std::vector<std::string> skipped;
  for (auto& record : *stored) {
    auto rule = parseRule(record.kind, record.spec);
    if (!rule) {
      skipped.push_back("entry " + std::to_string(record.id) + ": " + rule.error().message);
      continue;
    }
    auto entry = compile(std::move(record), std::move(*rule));
    if (!entry) {
      skipped.push_back(entry.error().message);
      continue;
    }
    entries_.push_back(std::move(*entry));
  }
  countUserRules();
  return skipped;
}

base::Result<std::vector<storage::PolicyEntry>> LivePolicy::add(std::span<const Rule> rules,
                                                                const Provenance& provenance) {
  std::vector<storage::PolicyEntry> records;
  std::vector<LiveEntry> compiled;
  for (const auto& rule : rules) {
    if (auto valid = validate(rule); !valid) return base::fail(valid.error());
    storage::PolicyEntry record;
    record.kind = kindOf(rule);
    record.spec = toSpec(rule);
    record.origin = provenance.origin;
    record.requestId = provenance.requestId;
    record.requester = provenance.requester;
    record.created = provenance.created;
    record.expires = provenance.expires;
    auto entry = compile(record, rule);
    if (!entry) return base::fail(entry.error());
    records.push_back(std::move(record));
    compiled.push_back(std::move(*entry));
  }
  auto ids = store_.add(records);
  if (!ids) return base::fail(std::move(ids).error());
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].id = (*ids)[i];
    compiled[i].record.id = (*ids)[i];
    entries_.push_back(std::move(compiled[i]));
  }
  countUserRules();
  return records;
}

base::Result<std::optional<storage::PolicyEntry>> LivePolicy::revoke(std::int64_t id) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [id](const LiveEntry& e) { return e.record.id == id; });
  auto removed = store_.remove(id);
  if (!removed) return base::fail(std::move(removed).error());
  if (it == entries_.end()) return std::optional<storage::PolicyEntry>{};
  auto record = std::move(it->record);
  entries_.erase(it);
  countUserRules();
  return std::optional<storage::PolicyEntry>(std::move(record));
}

base::Result<std::vector<storage::PolicyEntry>> LivePolicy::expire(base::SystemTime now) {
  auto due = store_.removeExpired(now);
  if (!due) return base::fail(std::move(due).error());
  // Also drop what storage no longer had (removed by another process).
  std::erase_if(entries_, [now](const LiveEntry& e) { return !inForce(e.record, now); });
  countUserRules();
  return due;
}

std::optional<base::SystemTime> LivePolicy::nextExpiry() const {
  std::optional<base::SystemTime> next;
  for (const auto& e : entries_) {
    if (e.record.expires && (!next || *e.record.expires < *next)) next = e.record.expires;
  }
  return next;
}

const LiveEntry* LivePolicy::find(std::int64_t id) const {
  for (const auto& e : entries_) {
    if (e.record.id == id) return &e;
  }
  return nullptr;
}

Decision LivePolicy::decideStream(const PeerFacts& facts) const {
  const TrustLevel reached = facts.level();
  // Authentication entries first: they only ever refuse.
  for (const auto& e : entries_) {
    const auto* a = std::get_if<AuthenticationRule>(&e.rule);
    if (a == nullptr || !inForce(e.record, facts.now)) continue;
    if (domainMatches(a->domain, facts.peerDomain) && reached < a->minimum) {
      return Decision::deny(std::string(kDecider),
                            facts.peerDomain + " reaches '" + std::string(toString(reached)) +
                                "' but its administrator stated it uses at least '" +
                                std::string(toString(a->minimum)) + "' (" + provenanceOf(e.record) +
                                ")");
    }
  }
  for (const auto& e : entries_) {
    const auto* w = std::get_if<WhitelistRule>(&e.rule);
    if (w == nullptr || !inForce(e.record, facts.now)) continue;
    if (!whitelistMatches(*w, facts.peerDomain, facts.address)) continue;
    // A stream below the level the peer promised is not whitelisted by this entry.
    if (w->minimumLevel && reached < *w->minimumLevel) continue;
    return Decision::allow(std::string(kDecider),
                           facts.peerDomain + " is whitelisted by " + provenanceOf(e.record));
  }
  return Decision::abstain();
}

bool LivePolicy::partyMatches(const Party& party, std::string_view bareJid) const {
  switch (party.kind) {
    case PartyKind::any: return true;
    case PartyKind::user: {
      const auto at = party.value.find('@');
      const auto jidAt = bareJid.find('@');
      if (jidAt == std::string_view::npos) return false;
      // Localparts are prepared (case-folded) JIDs; domains compare ASCII case-insensitively.
      return bareJid.substr(0, jidAt) == std::string_view(party.value).substr(0, at) &&
             ciEquals(std::string_view(party.value).substr(at + 1), bareJid.substr(jidAt + 1));
    }
    case PartyKind::group: return groups_ && groups_(party.value, bareJid);
    case PartyKind::domain: return domainMatches(party.value, domainOf(bareJid));
  }
  return false;
}

bool LivePolicy::packetRuleMatches(const PacketRule& rule, const StanzaFacts& facts) const {
  if (rule.stanzaKind != "any" && rule.stanzaKind != facts.kind) return false;
  if (!rule.messageType.empty()) {
    const std::string_view type = facts.type.empty() ? "normal" : std::string_view(facts.type);
    if (type != rule.messageType) return false;
  }
  return partyMatches(rule.source, facts.fromBare()) &&
         partyMatches(rule.destination, facts.toBare());
}

bool LivePolicy::peerIsRestricted(const StanzaFacts& facts) const {
  bool restricted = false;
  for (const auto& e : entries_) {
    const auto* w = std::get_if<WhitelistRule>(&e.rule);
    if (w == nullptr || !inForce(e.record, facts.now)) continue;
    // Before the stream exists the address is unknown: judge by the domain.
    const bool matches = facts.peerAddress.empty()
                             ? !w->domain.empty() && domainMatches(w->domain, facts.peerDomain)
                             : whitelistMatches(*w, facts.peerDomain, facts.peerAddress);
    if (!matches) continue;
    if (!w->restricted) return false;  // an unrestricted grant admits everything
    restricted = true;
  }
  return restricted;
}

Decision LivePolicy::decideLocalStanza(const StanzaFacts& facts) const {
  for (const auto& e : entries_) {
    const auto* p = std::get_if<PacketRule>(&e.rule);
    if (p == nullptr || !namesUserOrGroup(*p) || !inForce(e.record, facts.now) ||
        !packetRuleMatches(*p, facts)) {
      continue;
    }
    std::string why = "packet filter " + provenanceOf(e.record) + ": " + describe(e.rule);
    Decision d = p->action == FilterAction::pass
                     ? Decision::allow(std::string(kDecider), std::move(why))
                     : Decision::deny(std::string(kDecider), std::move(why));
    d.silent = p->action == FilterAction::drop;
    d.log = p->log;
    return d;
  }
  return Decision::abstain();
}

Decision LivePolicy::decideStanza(const StanzaFacts& facts) const {
  Decision out;
  bool ruleMatched = false;
  for (const auto& e : entries_) {
    const auto* p = std::get_if<PacketRule>(&e.rule);
    if (p == nullptr || !inForce(e.record, facts.now) || !packetRuleMatches(*p, facts)) continue;
    ruleMatched = true;
    const std::string why = "packet filter " + provenanceOf(e.record) + ": " + describe(e.rule);
    if (p->action == FilterAction::pass) {
      out = Decision::allow(std::string(kDecider), why);
      out.log = p->log;
      break;
    }
    Decision deny = Decision::deny(std::string(kDecider), why);
    deny.silent = p->action == FilterAction::drop;
    deny.log = p->log;
    return deny;
  }
  if (!ruleMatched && peerIsRestricted(facts)) {
    return Decision::deny(std::string(kDecider),
                          facts.peerDomain +
                              " is whitelisted only for the traffic its grant names; no "
                              "packet-filter rule passes this " +
                              facts.kind);
  }
  if (facts.kind != "message" || !facts.body) return out;
  std::string body = *facts.body;
  bool masked = false;
  for (const auto& e : entries_) {
    const auto* c = std::get_if<ContentRule>(&e.rule);
    if (c == nullptr || e.pattern == nullptr || !inForce(e.record, facts.now)) continue;
    if (!c->domain.empty() && !domainMatches(c->domain, facts.peerDomain)) continue;
    if (c->action == ContentAction::reject) {
      if (RE2::PartialMatch(body, *e.pattern)) {
        Decision deny =
            Decision::deny(std::string(kDecider),
                           "content filter " + provenanceOf(e.record) + " refuses this message");
        return deny;
      }
      continue;
    }
    if (RE2::GlobalReplace(&body, *e.pattern, c->replacement) > 0) masked = true;
  }
  if (masked) out.body = std::move(body);
  if (masked && out.decider.empty()) out.decider = std::string(kDecider);
  return out;
}

}  // namespace keyfed::policy
