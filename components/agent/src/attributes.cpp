// Request attributes -> KeyNote action attributes -> live policy rules.

#include "attributes.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "keyfed/policy/static_decider.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::agent {
namespace {

base::Failure unsupported(std::string message) {
  return base::fail(errc::kUnsupported, std::move(message));
}

std::string get(const Attributes& a, const char* name) {
  auto it = a.find(name);
  return it == a.end() ? std::string() : it->second;
}

std::tm utc(base::SystemTime t) {
  const std::time_t seconds = static_cast<std::time_t>(base::unixSeconds(t));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

bool isDecimal(std::string_view s) {
  return !s.empty() && s.size() <= 10 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The remote side of a packet-filter rule: a user of the peer, or the peer domain.
base::Result<policy::Party> remoteParty(const Attributes& a, const std::string& domain) {
  const std::string user = get(a, "UserName");
  if (user.empty()) return policy::Party{policy::PartyKind::domain, domain};
  auto jid = xmpp::Jid::make(user, domain);
  if (!jid) return unsupported("UserName '" + user + "' is not a valid JID localpart");
  return policy::Party{policy::PartyKind::user, std::string(jid->bareView())};
}

// The local side: a group of local users (GroupName), or anyone.
policy::Party localParty(const Attributes& a) {
  const std::string group = get(a, "GroupName");
  if (group.empty()) return {};
  return policy::Party{policy::PartyKind::group, group};
}

base::Result<std::string> packetKind(const Attributes& a) {
  std::string kind = get(a, "PacketType");
  if (kind.empty()) return std::string("any");
  std::transform(kind.begin(), kind.end(), kind.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (kind != "message" && kind != "presence" && kind != "iq" && kind != "any") {
    return unsupported("PacketType must be message, presence, iq or any");
  }
  return kind;
}

// Rules letting the named traffic cross in both directions (the remote party
// sends to the local one, and back).
base::Result<std::vector<policy::Rule>> passRules(const Attributes& a, const std::string& domain) {
  auto remote = remoteParty(a, domain);
  if (!remote) return base::fail(remote.error());
  auto kind = packetKind(a);
  if (!kind) return base::fail(kind.error());
  policy::PacketRule in;
  in.action = policy::FilterAction::pass;
  in.stanzaKind = *kind;
  in.source = *remote;
  in.destination = localParty(a);
  policy::PacketRule out = in;
  std::swap(out.source, out.destination);
  return std::vector<policy::Rule>{in, out};
}

base::Result<std::string> peerDomain(const Attributes& a, bool required, const char* why) {
  const std::string domain = get(a, "Server_Domain");
  if (domain.empty()) {
    if (required) return unsupported(std::string("Server_Domain is required ") + why);
    return std::string();
  }
  auto jid = xmpp::Jid::parse(domain);
  if (!jid || !jid->isDomain())
    return unsupported("Server_Domain '" + domain + "' is not a domain");
  return std::string(jid->domain());
}

std::optional<policy::TrustLevel> authentication(const Attributes& a, bool& bad) {
  const std::string level = get(a, "Authentication");
  bad = false;
  if (level.empty()) return std::nullopt;
  auto parsed = policy::parseTrustLevel(level);
  bad = !parsed;
  return parsed;
}

}  // namespace

std::string dateOf(base::SystemTime t) {
  const std::tm tm = utc(t);
  char out[16];
  std::strftime(out, sizeof out, "%Y%m%d", &tm);
  return out;
}

std::string timeOfDayOf(base::SystemTime t) {
  const std::tm tm = utc(t);
  char out[32];
  std::strftime(out, sizeof out, "%Y%m%d%H%M%S", &tm);
  return out;
}

std::chrono::seconds askedValidity(const Attributes& attributes) {
  std::int64_t seconds = 0;
  const std::string v = get(attributes, "ValidityPeriod");
  std::from_chars(v.data(), v.data() + v.size(), seconds);
  return std::chrono::seconds(seconds);
}

base::Result<Attributes> actionAttributes(const Request& request, std::string_view originDomain,
                                          base::SystemTime now, const AgentConfig& config) {
  Attributes a = request.attributes;
  for (auto reserved : kAgentAttributes) {
    if (a.contains(std::string(reserved))) {
      return base::fail(errc::kAttributes,
                        std::string(reserved) + " is set by the agent and cannot be asked for");
    }
  }
  auto validity = a.find("ValidityPeriod");
  if (validity == a.end()) {
    a["ValidityPeriod"] = std::to_string(config.defaultValidity.count());
  } else if (!isDecimal(validity->second) || askedValidity(a).count() <= 0) {
    return base::fail(errc::kAttributes,
                      "ValidityPeriod must be a positive number of seconds (at most 10 digits)");
  }
  a["Date"] = dateOf(now);
  a["GMTTimeOfDay"] = timeOfDayOf(now);
  a["Target_Domain"] = request.target;
  a["Origin_Domain"] = std::string(originDomain);
  return a;
}

base::Result<Effects> effectsOf(const Attributes& a) {
  Effects effects;
  const std::string app = get(a, "App_domain");
  if (!app.empty() && app != "XMPP") {
    effects.note = "App_domain " + app + " is not served by this agent: nothing changes here";
    return effects;
  }
  const std::string type = get(a, "Request_Type");
  bool badLevel = false;
  const auto level = authentication(a, badLevel);
  if (badLevel) {
    return unsupported("Authentication must be one of none, verified, secure, trusted, pinned");
  }
  if (type == "whitelist") {
    const bool restricted = !get(a, "UserName").empty() || !get(a, "GroupName").empty() ||
                            !get(a, "PacketType").empty();
    auto domain = peerDomain(a, restricted,
                             "when UserName, GroupName or PacketType narrow a whitelist request");
    if (!domain) return base::fail(domain.error());
    const std::string address = get(a, "Server_IP_Address");
    if (address.empty() && domain->empty()) {
      return unsupported("a whitelist request names Server_IP_Address and/or Server_Domain");
    }
    if (!address.empty()) {
      if (auto valid = policy::validateNetwork(address); !valid) {
        return unsupported("Server_IP_Address: " + valid.error().message);
      }
    }
    effects.rules.push_back(policy::WhitelistRule{*domain, address, restricted, level});
    if (restricted) {
      auto rules = passRules(a, *domain);
      if (!rules) return base::fail(rules.error());
      for (auto& r : *rules) effects.rules.push_back(std::move(r));
    }
    return effects;
  }
  if (type == "packet_filter") {
    auto domain = peerDomain(a, true, "for a packet_filter request");
    if (!domain) return base::fail(domain.error());
    const std::string action = get(a, "Filter_Action").empty() ? "pass" : get(a, "Filter_Action");
    auto parsed = policy::parseFilterAction(action);
    if (!parsed) return unsupported("Filter_Action must be pass, drop or reject");
    if (*parsed == policy::FilterAction::pass) {
      auto rules = passRules(a, *domain);
      if (!rules) return base::fail(rules.error());
      effects.rules = std::move(*rules);
      return effects;
    }
    auto remote = remoteParty(a, *domain);
    if (!remote) return base::fail(remote.error());
    auto kind = packetKind(a);
    if (!kind) return base::fail(kind.error());
    policy::PacketRule rule;
    rule.action = *parsed;
    rule.stanzaKind = *kind;
    rule.source = *remote;
    rule.destination = localParty(a);
    effects.rules.push_back(rule);
    return effects;
  }
  if (type == "content_filter") {
    auto domain = peerDomain(a, false, "");
    if (!domain) return base::fail(domain.error());
    const std::string pattern = get(a, "Content_Filter");
    if (pattern.empty())
      return unsupported("a content_filter request names Content_Filter (a regular expression)");
    const std::string action = get(a, "Filter_Action").empty() ? "mask" : get(a, "Filter_Action");
    if (action != "mask" && action != "reject") {
      return unsupported("Filter_Action must be mask or reject for a content filter");
    }
    policy::ContentRule rule;
    rule.domain = *domain;
    rule.pattern = pattern;
    rule.action = action == "mask" ? policy::ContentAction::mask : policy::ContentAction::reject;
    if (auto valid = policy::validate(rule); !valid) return unsupported(valid.error().message);
    effects.rules.push_back(rule);
    return effects;
  }
  if (type == "authentication") {
    auto domain = peerDomain(a, true, "for an authentication request");
    if (!domain) return base::fail(domain.error());
    if (!level)
      return unsupported("an authentication request names Authentication (a trust level)");
    effects.rules.push_back(policy::AuthenticationRule{*domain, *level});
    return effects;
  }
  if (type.empty()) return unsupported("Request_Type is required");
  return unsupported(
      "Request_Type must be whitelist, packet_filter, content_filter or authentication");
}

}  // namespace keyfed::agent
