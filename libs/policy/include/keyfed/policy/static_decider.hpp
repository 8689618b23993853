#pragma once
// The decider of the config file: the trust ladder (a server-wide minimum
// level with per-domain exceptions) and static allow/deny lists of domains
// (exact, or "*.example.com" for subdomains) and address ranges (CIDR).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "keyfed/base/result.hpp"
#include "keyfed/policy/policy_point.hpp"

namespace keyfed::policy {

struct StaticPolicy {
  TrustLevel minimumLevel = TrustLevel::trusted;
  // Test setting: accept peers that prove nothing. Never the default; named
  // explicitly in the config (`federation.promiscuous = true`).
  bool promiscuous = false;
  std::map<std::string, TrustLevel, std::less<>> levelFor;  // per-domain minimum
  std::vector<std::string> allowDomains;                    // empty: no allow list (abstain)
  std::vector<std::string> denyDomains;
  std::vector<std::string> allowNetworks;  // CIDR, e.g. "127.0.0.0/8", "::1/128"
  std::vector<std::string> denyNetworks;
};

// "example.com" matches itself; "*.example.com" matches every subdomain (not
// example.com itself). ASCII case-insensitive.
bool domainMatches(std::string_view pattern, std::string_view domain);
// Whether `address` (IPv4 or IPv6 literal) is in `cidr`; false for malformed input.
bool addressInNetwork(std::string_view address, std::string_view cidr);
base::Result<void> validateNetwork(std::string_view cidr);

class StaticDecider final : public Decider {
 public:
  explicit StaticDecider(StaticPolicy policy) : policy_(std::move(policy)) {}
  [[nodiscard]] std::string_view name() const override { return "static"; }
  [[nodiscard]] Decision decideStream(const PeerFacts& facts) const override;
  [[nodiscard]] TrustLevel requiredLevel(std::string_view domain) const;

 private:
  StaticPolicy policy_;
};

}  // namespace keyfed::policy
