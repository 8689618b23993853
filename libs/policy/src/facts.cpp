#include "keyfed/policy/facts.hpp"

#include <array>

namespace keyfed::policy {
namespace {

constexpr std::array<std::string_view, 5> kLevelNames = {"none", "verified", "secure", "trusted",
                                                         "pinned"};

}  // namespace

std::string_view toString(TrustLevel level) {
  return kLevelNames[static_cast<std::size_t>(level)];
}

std::optional<TrustLevel> parseTrustLevel(std::string_view name) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<TrustLevel>(i);
  }
  return std::nullopt;
}

std::string_view toString(Direction direction) {
  return direction == Direction::inbound ? "inbound" : "outbound";
}

TrustLevel PeerFacts::level() const {
  // A pin is the administrator's own statement about the peer's key: it
  // stands without a CA (self-signed peers in closed communities).
  if (tls && pinMatched) return TrustLevel::pinned;
  if (tls && certificate.presented && certificate.chainValid && certificate.matchesDomain &&
      !certificate.expired) {
    return TrustLevel::trusted;
  }
  if (dialbackVerified) return tls ? TrustLevel::secure : TrustLevel::verified;
  return TrustLevel::none;
}

}  // namespace keyfed::policy
