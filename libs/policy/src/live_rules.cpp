#include "keyfed/policy/live_rules.hpp"

#include <re2/re2.h>

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "keyfed/policy/static_decider.hpp"

namespace keyfed::policy {
namespace {

using nlohmann::json;

constexpr const char* kRuleError = "policy.rule";
constexpr std::size_t kMaxPatternBytes = 2048;
constexpr std::size_t kMaxValueBytes = 3071;  // a JID
constexpr std::int64_t kMaxPatternMemory = std::int64_t{256} * 1024;

base::Failure bad(std::string message) {
  return base::fail(kRuleError, std::move(message));
}

constexpr std::array<std::pair<FilterAction, std::string_view>, 3> kActions = {{
    {FilterAction::pass, "pass"},
    {FilterAction::drop, "drop"},
    {FilterAction::reject, "reject"},
}};

constexpr std::array<std::pair<PartyKind, std::string_view>, 4> kParties = {{
    {PartyKind::any, "any"},
    {PartyKind::user, "user"},
    {PartyKind::group, "group"},
    {PartyKind::domain, "domain"},
}};

std::string_view partyName(PartyKind kind) {
  for (const auto& [k, n] : kParties) {
    if (k == kind) return n;
  }
  return "any";
}

std::optional<PartyKind> parseParty(std::string_view name) {
  for (const auto& [k, n] : kParties) {
    if (n == name) return k;
  }
  return std::nullopt;
}

json partyJson(const Party& p) {
  json j = {{"type", partyName(p.kind)}};
  if (p.kind != PartyKind::any) j["value"] = p.value;
  return j;
}

// Reads a string member: absent gives `fallback`; another type is an error.
base::Result<std::string> member(const json& j, const char* name, std::string fallback = {}) {
  auto it = j.find(name);
  if (it == j.end()) return fallback;
  if (!it->is_string()) return bad(std::string(name) + " must be a string");
  auto value = it->get<std::string>();
  if (value.size() > kMaxValueBytes) return bad(std::string(name) + " is too long");
  return value;
}

base::Result<bool> flag(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return false;
  if (!it->is_boolean()) return bad(std::string(name) + " must be true or false");
  return it->get<bool>();
}

base::Result<void> onlyKnownKeys(const json& j, std::initializer_list<std::string_view> keys) {
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (auto k : keys) known = known || k == key;
    if (!known) return bad("unknown key '" + key + "'");
  }
  return {};
}

base::Result<Party> readParty(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return Party{};
  if (!it->is_object()) return bad(std::string(name) + " must be an object");
  if (auto r = onlyKnownKeys(*it, {"type", "value"}); !r) return base::fail(r.error());
  auto type = member(*it, "type", "any");
  if (!type) return base::fail(type.error());
  auto kind = parseParty(*type);
  if (!kind) return bad(std::string(name) + ".type must be any, user, group or domain");
  auto value = member(*it, "value");
  if (!value) return base::fail(value.error());
  return Party{*kind, *value};
}

bool validDomainPattern(std::string_view d) {
  if (d.starts_with("*.")) d.remove_prefix(2);
  if (d.empty() || d.size() > 1023) return false;
  for (char c : d) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '@' || c == '*') return false;
  }
  return true;
}

base::Result<void> validateParty(const Party& p, const char* side) {
  if (p.kind == PartyKind::any) return {};
  if (p.value.empty()) return bad(std::string(side) + " needs a value");
  if (p.kind == PartyKind::user &&
      (p.value.find('@') == std::string::npos || p.value.find('/') != std::string::npos)) {
    return bad(std::string(side) + " user must be a bare JID (user@domain)");
  }
  if (p.kind == PartyKind::domain && !validDomainPattern(p.value)) {
    return bad(std::string(side) + " domain is not a domain pattern");
  }
  return {};
}

}  // namespace

std::string_view toString(FilterAction action) {
  for (const auto& [a, n] : kActions) {
    if (a == action) return n;
  }
  return "pass";
}

std::optional<FilterAction> parseFilterAction(std::string_view name) {
  for (const auto& [a, n] : kActions) {
    if (n == name) return a;
  }
  return std::nullopt;
}

std::string describe(const Party& party) {
  if (party.kind == PartyKind::any) return "any";
  return std::string(partyName(party.kind)) + ":" + party.value;
}

storage::PolicyEntryKind kindOf(const Rule& rule) {
  struct Visitor {
    storage::PolicyEntryKind operator()(const WhitelistRule&) const {
      return storage::PolicyEntryKind::whitelist;
    }
    storage::PolicyEntryKind operator()(const PacketRule&) const {
      return storage::PolicyEntryKind::packetFilter;
    }
    storage::PolicyEntryKind operator()(const ContentRule&) const {
      return storage::PolicyEntryKind::contentFilter;
    }
    storage::PolicyEntryKind operator()(const AuthenticationRule&) const {
      return storage::PolicyEntryKind::authentication;
    }
  };
  return std::visit(Visitor{}, rule);
}

std::string toSpec(const Rule& rule) {
  struct Visitor {
    json operator()(const WhitelistRule& r) const {
      json j = json::object();
      if (!r.domain.empty()) j["domain"] = r.domain;
      if (!r.address.empty()) j["address"] = r.address;
      if (r.restricted) j["restricted"] = true;
      if (r.minimumLevel) j["minimum_level"] = toString(*r.minimumLevel);
      return j;
    }
    json operator()(const PacketRule& r) const {
      json j = {{"action", toString(r.action)},
                {"stanza", r.stanzaKind},
                {"source", partyJson(r.source)},
                {"destination", partyJson(r.destination)}};
      if (!r.messageType.empty()) j["message_type"] = r.messageType;
      if (r.log) j["log"] = true;
      return j;
    }
    json operator()(const ContentRule& r) const {
      json j = {{"pattern", r.pattern},
                {"action", r.action == ContentAction::mask ? "mask" : "reject"}};
      if (!r.domain.empty()) j["domain"] = r.domain;
      if (r.action == ContentAction::mask) j["replacement"] = r.replacement;
      return j;
    }
    json operator()(const AuthenticationRule& r) const {
      return {{"domain", r.domain}, {"minimum_level", toString(r.minimum)}};
    }
  };
  return std::visit(Visitor{}, rule).dump(-1, ' ', false, json::error_handler_t::replace);
}

base::Result<void> validate(const Rule& rule) {
  if (const auto* w = std::get_if<WhitelistRule>(&rule)) {
    if (w->domain.empty() && w->address.empty())
      return bad("a whitelist entry needs a domain or an address");
    if (!w->domain.empty() && !validDomainPattern(w->domain))
      return bad("domain is not a domain pattern");
    if (!w->address.empty()) {
      if (auto r = validateNetwork(w->address); !r) return bad(r.error().message);
    }
    return {};
  }
  if (const auto* p = std::get_if<PacketRule>(&rule)) {
    const auto& k = p->stanzaKind;
    if (k != "any" && k != "message" && k != "presence" && k != "iq") {
      return bad("stanza must be message, presence, iq or any");
    }
    const auto& t = p->messageType;
    if (!t.empty() && (k != "message" || (t != "chat" && t != "normal" && t != "groupchat" &&
                                          t != "headline" && t != "error"))) {
      return bad("message_type must be chat, normal, groupchat, headline or error (messages only)");
    }
    if (auto r = validateParty(p->source, "source"); !r) return r;
    return validateParty(p->destination, "destination");
  }
  if (const auto* c = std::get_if<ContentRule>(&rule)) {
    if (!c->domain.empty() && !validDomainPattern(c->domain))
      return bad("domain is not a domain pattern");
    if (c->replacement.size() > 256) return bad("replacement is longer than 256 bytes");
    // RE2 rewrite strings give '\' a meaning (\0..\9): keep replacements literal.
    if (c->replacement.find('\\') != std::string::npos) {
      return bad("replacement may not contain a backslash");
    }
    auto compiled = compileContentPattern(c->pattern);
    if (!compiled) return base::fail(compiled.error());
    return {};
  }
  const auto& a = std::get<AuthenticationRule>(rule);
  if (!validDomainPattern(a.domain)) return bad("an authentication entry needs a domain");
  return {};
}

base::Result<Rule> parseRule(storage::PolicyEntryKind kind, std::string_view spec) {
  const json j = json::parse(spec, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("the rule is not a JSON object");
  Rule rule;
  switch (kind) {
    case storage::PolicyEntryKind::whitelist: {
      if (auto r = onlyKnownKeys(j, {"domain", "address", "restricted", "minimum_level"}); !r) {
        return base::fail(r.error());
      }
      WhitelistRule w;
      auto domain = member(j, "domain");
      auto address = member(j, "address");
      auto restricted = flag(j, "restricted");
      auto level = member(j, "minimum_level");
      if (!domain || !address || !restricted || !level) return bad("malformed whitelist entry");
      w.domain = *domain;
      w.address = *address;
      w.restricted = *restricted;
      if (!level->empty()) {
        w.minimumLevel = parseTrustLevel(*level);
        if (!w.minimumLevel) return bad("unknown trust level '" + *level + "'");
      }
      rule = std::move(w);
      break;
    }
    case storage::PolicyEntryKind::packetFilter: {
      if (auto r = onlyKnownKeys(
              j, {"action", "stanza", "message_type", "source", "destination", "log"});
          !r) {
        return base::fail(r.error());
      }
      PacketRule p;
      auto action = member(j, "action", "pass");
      if (!action) return base::fail(action.error());
      auto parsed = parseFilterAction(*action);
      if (!parsed) return bad("action must be pass, drop or reject");
      p.action = *parsed;
      auto stanza = member(j, "stanza", "any");
      auto type = member(j, "message_type");
      auto log = flag(j, "log");
      auto source = readParty(j, "source");
      auto destination = readParty(j, "destination");
      if (!stanza) return base::fail(stanza.error());
      if (!type) return base::fail(type.error());
      if (!log) return base::fail(log.error());
      if (!source) return base::fail(source.error());
      if (!destination) return base::fail(destination.error());
      p.stanzaKind = *stanza;
      p.messageType = *type;
      p.log = *log;
      p.source = *source;
      p.destination = *destination;
      rule = std::move(p);
      break;
    }
    case storage::PolicyEntryKind::contentFilter: {
      if (auto r = onlyKnownKeys(j, {"domain", "pattern", "action", "replacement"}); !r) {
        return base::fail(r.error());
      }
      ContentRule c;
      auto domain = member(j, "domain");
      auto pattern = member(j, "pattern");
      auto action = member(j, "action", "mask");
      auto replacement = member(j, "replacement", "***");
      if (!domain || !pattern || !action || !replacement) return bad("malformed content filter");
      if (*action != "mask" && *action != "reject") return bad("action must be mask or reject");
      c.domain = *domain;
      c.pattern = *pattern;
      c.action = *action == "mask" ? ContentAction::mask : ContentAction::reject;
      c.replacement = *replacement;
      rule = std::move(c);
      break;
    }
    case storage::PolicyEntryKind::authentication: {
      if (auto r = onlyKnownKeys(j, {"domain", "minimum_level"}); !r) return base::fail(r.error());
      AuthenticationRule a;
      auto domain = member(j, "domain");
      auto level = member(j, "minimum_level");
      if (!domain || !level) return bad("malformed authentication entry");
      auto parsed = parseTrustLevel(*level);
      if (!parsed) return bad("unknown trust level '" + *level + "'");
      a.domain = *domain;
      a.minimum = *parsed;
      rule = std::move(a);
      break;
    }
  }
  if (auto r = validate(rule); !r) return base::fail(r.error());
  return rule;
}

std::string describe(const Rule& rule) {
  struct Visitor {
    std::string operator()(const WhitelistRule& r) const {
      std::string out = "whitelist";
      if (!r.domain.empty()) out += " domain=" + r.domain;
      if (!r.address.empty()) out += " address=" + r.address;
      if (r.minimumLevel) out += " level>=" + std::string(toString(*r.minimumLevel));
      if (r.restricted) out += " (restricted to its packet-filter rules)";
      return out;
    }
    std::string operator()(const PacketRule& r) const {
      std::string out = "packet_filter " + std::string(toString(r.action)) + " " + r.stanzaKind;
      if (!r.messageType.empty()) out += "/" + r.messageType;
      out += " from " + describe(r.source) + " to " + describe(r.destination);
      if (r.log) out += " (logged)";
      return out;
    }
    std::string operator()(const ContentRule& r) const {
      std::string out = "content_filter ";
      out += r.action == ContentAction::mask ? "mask" : "reject";
      out += " /" + r.pattern + "/";
      out += r.domain.empty() ? " for every peer" : " for " + r.domain;
      return out;
    }
    std::string operator()(const AuthenticationRule& r) const {
      return "authentication " + r.domain + " level>=" + std::string(toString(r.minimum));
    }
  };
  return std::visit(Visitor{}, rule);
}

base::Result<std::shared_ptr<const re2::RE2>> compileContentPattern(std::string_view pattern) {
  if (pattern.empty()) return bad("the content pattern is empty");
  if (pattern.size() > kMaxPatternBytes) {
    return bad("the content pattern is longer than " + std::to_string(kMaxPatternBytes) + " bytes");
  }
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxPatternMemory);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return bad("bad content pattern: " + re->error());
  return std::shared_ptr<const re2::RE2>(std::move(re));
}

}  // namespace keyfed::policy
