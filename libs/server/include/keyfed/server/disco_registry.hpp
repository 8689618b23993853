#pragma once
// What service discovery (XEP-0030) says about the server and its accounts.
// Modules register the features they implement when they load; the disco
// module answers queries from this registry.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyfed::server {

struct DiscoIdentity {
  std::string category;  // "server"
  std::string type;      // "im"
  std::string name;      // "keyfed"
  bool operator==(const DiscoIdentity&) const = default;
};

// A service discovery extension form (XEP-0128): a FORM_TYPE and its
// fields, each with one value (e.g. XEP-0363's max-file-size).
struct DiscoForm {
  std::string formType;
  std::vector<std::pair<std::string, std::string>> fields;  // var, value
};

struct DiscoItem {
  std::string jid;
  std::string name;
};

class DiscoRegistry {
 public:
  void addServerFeature(std::string_view feature);
  void addServerIdentity(DiscoIdentity identity);
  // Features of every account's bare JID (e.g. PEP, MAM).
  void addAccountFeature(std::string_view feature);
  // Identities of every account's bare JID besides account/registered (PEP:
  // pubsub/pep).
  void addAccountIdentity(DiscoIdentity identity);
  void addServerItem(DiscoItem item);
  void addServerForm(DiscoForm form) { forms_.push_back(std::move(form)); }

  // Sorted, without duplicates.
  [[nodiscard]] const std::vector<std::string>& serverFeatures() const { return serverFeatures_; }
  [[nodiscard]] const std::vector<std::string>& accountFeatures() const { return accountFeatures_; }
  [[nodiscard]] const std::vector<DiscoIdentity>& serverIdentities() const { return identities_; }
  [[nodiscard]] const std::vector<DiscoIdentity>& accountIdentities() const {
    return accountIdentities_;
  }
  [[nodiscard]] const std::vector<DiscoItem>& serverItems() const { return items_; }
  [[nodiscard]] const std::vector<DiscoForm>& serverForms() const { return forms_; }

 private:
  std::vector<std::string> serverFeatures_;
  std::vector<std::string> accountFeatures_;
  std::vector<DiscoIdentity> identities_;
  std::vector<DiscoIdentity> accountIdentities_;
  std::vector<DiscoItem> items_;
  std::vector<DiscoForm> forms_;
};

}  // namespace keyfed::server
