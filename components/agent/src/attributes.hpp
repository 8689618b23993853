#pragma once
// Internal: the KeyNote action attributes of a request (what the requester
// asked, plus what the agent sets itself) and the policy changes a granted
// request makes (docs/policy.md, "Vocabulary" and "What a grant changes").

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "keyfed/agent/config.hpp"
#include "keyfed/agent/protocol.hpp"
#include "keyfed/base/clock.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/policy/live_rules.hpp"

namespace keyfed::agent {

using Attributes = std::map<std::string, std::string>;

// Attributes only the agent sets; a request naming one is refused.
inline constexpr std::string_view kAgentAttributes[] = {"Date", "GMTTimeOfDay", "Target_Domain",
                                                        "Origin_Domain"};

// "YYYYMMDD" and "YYYYMMDDHHMMSS" of `t` in UTC.
std::string dateOf(base::SystemTime t);
std::string timeOfDayOf(base::SystemTime t);

// The request's attributes with ValidityPeriod defaulted and checked, and the
// agent's own: Date, GMTTimeOfDay (from `now`), Target_Domain,
// Origin_Domain (the domain that delivered the request, "" for the admin
// socket). Errors: fac.attributes.
base::Result<Attributes> actionAttributes(const Request& request, std::string_view originDomain,
                                          base::SystemTime now, const AgentConfig& config);

// What a grant of these attributes changes; `note` explains a grant that
// changes nothing here (another App_domain). Errors: fac.unsupported with
// what is missing or malformed.
struct Effects {
  std::vector<policy::Rule> rules;
  std::string note;
};
base::Result<Effects> effectsOf(const Attributes& attributes);

// The validity asked for, in seconds (ValidityPeriod, already checked).
std::chrono::seconds askedValidity(const Attributes& attributes);

}  // namespace keyfed::agent
