#include "keyfed/storage/policy_types.hpp"

#include <array>
#include <utility>

namespace keyfed::storage {
namespace {

constexpr std::array<std::pair<PolicyEntryKind, std::string_view>, 4> kKindNames = {{
    {PolicyEntryKind::whitelist, "whitelist"},
    {PolicyEntryKind::packetFilter, "packet_filter"},
    {PolicyEntryKind::contentFilter, "content_filter"},
    {PolicyEntryKind::authentication, "authentication"},
}};

}  // namespace

std::string_view toString(PolicyEntryKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "whitelist";
}

std::optional<PolicyEntryKind> parsePolicyEntryKind(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

}  // namespace keyfed::storage
