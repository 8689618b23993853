#pragma once
// The [agent] section of keyfed.toml (docs/policy.md, "Configuration"):
//
//   [agent]
//   enabled = true
//   policy_files = ["policy/whitelist.kn"]   # KeyNote POLICY assertions (trusted)
//   compliance_values = ["false", "true"]    # ascending; the first refuses
//   default_validity = 3600                  # seconds, when a request asks none
//   max_validity = 86400                     # no grant lasts longer
//   timestamp_window = 300                   # seconds either side of the agent's clock
//   [[agent.validity]]                       # optional: a compliance value's longest grant
//   value = "hour"
//   seconds = 3600
//   https_burst = 10                         # POST /fac/request per client address: a burst ...
//   https_interval = 6                       # ... then one request every this many seconds
//   audit_max_age_days = 365                 # audit records older than this are pruned (0: keep)
//   audit_max_rows = 1000000                 # only the newest this many are kept (0: no cap)
//   audit_prune_interval = 3600              # seconds between prunes
//   [[agent.group]]                          # packet-filter groups (GroupName)
//   name = "staff"
//   members = ["boss@target.example"]
//   [[agent.automatic]]                      # automatic mode (docs/fac-protocol.md)
//   domain = "target.example"                # the peer whose agent is asked
//   key = "keys/alice.key"                   # the requester's private key (keynote keygen)
//   credentials = ["admin-to-alice.cred"]    # signed assertions, one per file
//   attributes = ["App_domain=XMPP", "Request_Type=whitelist"]
//   wait = 30                                # seconds stanzas wait for the answer
//
// Automatic mode's key and credential files are read when the configuration
// is loaded, like the policy files.
// The policy files are read and checked when the configuration is loaded, so
// `keyfed --check-config` and a reload (SIGHUP) refuse a broken policy and the
// running one stays.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "keyfed/config/section.hpp"

namespace keyfed::agent {

struct ValidityBound {
  std::string value;  // a compliance value
  std::chrono::seconds seconds{0};
};

struct Group {
  std::string name;
  std::vector<std::string> members;  // bare JIDs
};

// [[agent.automatic]]: the request this server's agent sends by itself when
// `domain` keeps an outgoing s2s pair agent-only (it refused us).
struct AutomaticRequest {
  std::string domain;
  std::string key;                                // the private key file's text
  std::vector<std::string> credentials;           // assertion texts
  std::map<std::string, std::string> attributes;  // NAME=VALUE
  std::chrono::seconds wait{30};
};

struct AgentConfig {
  bool enabled = false;
  std::vector<std::filesystem::path> policyFiles;  // absolute
  // The policy assertions read from policyFiles when the config was loaded,
  // one text per assertion, in file order.
  std::vector<std::string> policyAssertions;
  std::vector<std::string> complianceValues{"false", "true"};
  std::vector<ValidityBound> validity;
  std::chrono::seconds defaultValidity{3600};
  std::chrono::seconds maxValidity{86400};
  std::chrono::seconds timestampWindow{300};
  std::vector<Group> groups;
  std::vector<AutomaticRequest> automatic;
  // The HTTPS transport's rate limit per client address (docs/fac-protocol.md).
  std::size_t httpsBurst = 10;
  std::chrono::seconds httpsInterval{6};
  // Audit log caps (docs/policy.md, "Audit log caps"); zero turns one off.
  std::chrono::days auditMaxAge{365};
  std::size_t auditMaxRows = 1000000;
  std::chrono::seconds auditPruneInterval{3600};

  // The longest grant the compliance value `value` allows (maxValidity when
  // the value has no [[agent.validity]] entry).
  [[nodiscard]] std::chrono::seconds boundFor(std::string_view value) const;
  [[nodiscard]] bool isMember(std::string_view group, std::string_view bareJid) const;
  // The automatic request for the peer `domain`, or nullptr.
  [[nodiscard]] const AutomaticRequest* automaticFor(std::string_view domain) const;
};

inline constexpr std::string_view kSectionName = "agent";

// Registers the [agent] section with the loader (apps/keyfed/sections.cpp and
// keyfedctl, which read the same file).
base::Result<void> registerAgentConfig(config::SectionRegistry& registry);

// Parses the section's table (what the registered parser runs); exposed for tests.
AgentConfig parseAgentConfig(config::TableReader& table);

// Reads the KeyNote assertions of a policy file: each must parse (strictly).
base::Result<std::vector<std::string>> readPolicyFile(const std::filesystem::path& file);

}  // namespace keyfed::agent
