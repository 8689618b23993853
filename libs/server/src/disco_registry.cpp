#include "keyfed/server/disco_registry.hpp"

#include <algorithm>

namespace keyfed::server {
namespace {

void insertSorted(std::vector<std::string>& list, std::string_view value) {
  auto pos = std::lower_bound(list.begin(), list.end(), value);
  if (pos != list.end() && *pos == value) return;
  list.insert(pos, std::string(value));
}

void addIdentity(std::vector<DiscoIdentity>& list, DiscoIdentity identity) {
  if (std::find(list.begin(), list.end(), identity) == list.end()) {
    list.push_back(std::move(identity));
  }
}

}  // namespace

void DiscoRegistry::addServerFeature(std::string_view feature) {
  insertSorted(serverFeatures_, feature);
}

void DiscoRegistry::addAccountFeature(std::string_view feature) {
  insertSorted(accountFeatures_, feature);
}

void DiscoRegistry::addServerIdentity(DiscoIdentity identity) {
  addIdentity(identities_, std::move(identity));
}

void DiscoRegistry::addAccountIdentity(DiscoIdentity identity) {
  addIdentity(accountIdentities_, std::move(identity));
}

void DiscoRegistry::addServerItem(DiscoItem item) {
  items_.push_back(std::move(item));
}

}  // namespace keyfed::server
