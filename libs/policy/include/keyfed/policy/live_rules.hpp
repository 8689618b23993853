#pragma once
// The rules of the live federation policy (docs/policy.md, "Live policy
// state"): what a FAC grant or an administrator adds at run time. Each is kept
// in storage as a PolicyEntry whose spec is the rule's JSON (toSpec/parseRule
// below are the only writer and reader of that format).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "keyfed/base/result.hpp"
#include "keyfed/policy/facts.hpp"
#include "keyfed/storage/policy_types.hpp"

namespace re2 {
class RE2;
}

namespace keyfed::policy {

// A peer that may federate: its domain ("example.org", "*.example.org") and/or
// its address (an IP literal or a CIDR range); both must match when both are
// set. `restricted`: the grant named users or stanza kinds, so only the
// traffic its packet-filter rules pass may cross (docs/policy.md).
// `minimumLevel`: the trust level the peer said it will use (the request's
// Authentication attribute); a stream below it does not match.
struct WhitelistRule {
  std::string domain;
  std::string address;
  bool restricted = false;
  std::optional<TrustLevel> minimumLevel;
};

// Openfire Packet Filter: ordered rules, first match wins.
enum class FilterAction { pass, drop, reject };
std::string_view toString(FilterAction action);
std::optional<FilterAction> parseFilterAction(std::string_view name);

// One side of a packet-filter rule. user: a bare JID; group: a group name
// (members from [[agent.group]] in the config); domain: a domain pattern
// ("other server" in Openfire's words); any.
enum class PartyKind { any, user, group, domain };
struct Party {
  PartyKind kind = PartyKind::any;
  std::string value;
};
std::string describe(const Party& party);

struct PacketRule {
  FilterAction action = FilterAction::pass;
  std::string stanzaKind = "any";  // message, presence, iq, any
  std::string messageType;         // for messages: chat, normal, groupchat, headline; "" any
  Party source;                    // matched against the stanza's 'from'
  Party destination;               // ... and its 'to'
  bool log = false;
};

// A content filter on message bodies exchanged with peers matching `domain`
// ("" for every peer). mask replaces each match with `replacement`; reject
// bounces the message. Patterns are RE2 (linear time, POSIX-like syntax).
enum class ContentAction { mask, reject };
struct ContentRule {
  std::string domain;
  std::string pattern;
  ContentAction action = ContentAction::mask;
  std::string replacement = "***";
};

// The lowest trust level streams claiming `domain` may use: a peer's
// administrator stating "my server always uses TLS" makes a downgrade to a
// weaker stream for that domain fail (the request's Authentication attribute).
struct AuthenticationRule {
  std::string domain;
  TrustLevel minimum = TrustLevel::verified;
};

using Rule = std::variant<WhitelistRule, PacketRule, ContentRule, AuthenticationRule>;

storage::PolicyEntryKind kindOf(const Rule& rule);
// The spec JSON of a rule; parseRule reads it back (and checks it: unknown
// names, a bad address range or regular expression are errors "policy.rule").
std::string toSpec(const Rule& rule);
base::Result<Rule> parseRule(storage::PolicyEntryKind kind, std::string_view spec);
// One line for lists and audits: "whitelist domain=b.test address=127.0.40.55".
std::string describe(const Rule& rule);

// Checks a rule's values (what parseRule checks) for rules built in code.
base::Result<void> validate(const Rule& rule);

// A compiled content pattern; errors for patterns RE2 refuses or over 2 KiB.
base::Result<std::shared_ptr<const re2::RE2>> compileContentPattern(std::string_view pattern);

}  // namespace keyfed::policy
