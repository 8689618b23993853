#include "keyfed/policy/static_decider.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>

namespace keyfed::policy {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) and its family.
struct Address {
  std::array<unsigned char, 16> bytes{};
  bool v4 = false;
};

std::optional<Address> parseAddress(std::string_view text) {
  if (text.size() > 45) return std::nullopt;
  std::string s(text);
  Address a;
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    a.v4 = true;
    a.bytes[10] = a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(a.bytes.data(), &v6, 16);
    return a;
  }
  return std::nullopt;
}

struct Network {
  Address base;
  int prefix = 0;  // in bits of the 16-byte form
};

std::optional<Network> parseNetwork(std::string_view cidr) {
  const auto slash = cidr.find('/');
  auto base = parseAddress(cidr.substr(0, slash));
  if (!base) return std::nullopt;
  int prefix = base->v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    auto digits = cidr.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc{} || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > (base->v4 ? 32 : 128)) {
      return std::nullopt;
    }
  }
  return Network{*base, base->v4 ? prefix + 96 : prefix};
}

bool contains(const Network& net, const Address& a) {
  int bits = net.prefix;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const unsigned mask = bits >= 8 ? 0xffU : (0xffU << (8 - bits)) & 0xffU;
    if ((net.base.bytes[i] & mask) != (a.bytes[i] & mask)) return false;
  }
  return true;
}

bool anyDomain(const std::vector<std::string>& patterns, std::string_view domain) {
  for (const auto& p : patterns) {
    if (domainMatches(p, domain)) return true;
  }
  return false;
}

bool anyNetwork(const std::vector<std::string>& networks, std::string_view address) {
  for (const auto& n : networks) {
    if (addressInNetwork(address, n)) return true;
  }
  return false;
}

}  // namespace

bool domainMatches(std::string_view pattern, std::string_view domain) {
  if (pattern.starts_with("*.")) {
    const auto suffix = pattern.substr(1);  // ".example.com"
    return domain.size() > suffix.size() &&
           iequals(domain.substr(domain.size() - suffix.size()), suffix);
  }
  return iequals(pattern, domain);
}

bool addressInNetwork(std::string_view address, std::string_view cidr) {
  auto net = parseNetwork(cidr);
  auto a = parseAddress(address);
  return net && a && contains(*net, *a);
}

base::Result<void> validateNetwork(std::string_view cidr) {
  if (!parseNetwork(cidr)) {
    return base::fail("policy.network", "not an address range: '" + std::string(cidr) +
                                            "' (expected e.g. 192.0.2.0/24 or 2001:db8::/32)");
  }
  return {};
}

TrustLevel StaticDecider::requiredLevel(std::string_view domain) const {
  if (auto it = policy_.levelFor.find(domain); it != policy_.levelFor.end()) return it->second;
  for (const auto& [pattern, level] : policy_.levelFor) {
    if (domainMatches(pattern, domain)) return level;
  }
  return policy_.minimumLevel;
}

Decision StaticDecider::decideStream(const PeerFacts& facts) const {
  if (anyDomain(policy_.denyDomains, facts.peerDomain)) {
    return Decision::deny("static", facts.peerDomain + " is on the deny list");
  }
  if (anyNetwork(policy_.denyNetworks, facts.address)) {
    return Decision::deny("static", "address " + facts.address + " is in a denied range");
  }
  if (!policy_.promiscuous) {
    const TrustLevel required = requiredLevel(facts.peerDomain);
    const TrustLevel reached = facts.level();
    if (reached < required) {
      std::string reason = facts.peerDomain + " reaches '" + std::string(toString(reached)) +
                           "', '" + std::string(toString(required)) + "' is required";
      if (!facts.certificate.problem.empty())
        reason += " (certificate: " + facts.certificate.problem + ")";
      return Decision::deny("ladder", std::move(reason));
    }
  }
  if (anyDomain(policy_.allowDomains, facts.peerDomain) ||
      anyNetwork(policy_.allowNetworks, facts.address)) {
    return Decision::allow("static", facts.peerDomain + " is on the allow list");
  }
  return Decision::abstain();
}

}  // namespace keyfed::policy
