#pragma once
// SaltedPassword per account, so that logging the same account in again
// costs no PBKDF2 (thousands of HMAC rounds) on the load generator's core:
// the login storm then measures the server, not the client.

#include <cstdint>
#include <string>
#include <unordered_map>

#include "keyfed/xmpp/scram.hpp"

namespace keyfed::loadgen {

class ScramCache {
 public:
  // Fills the cached* fields of config from an earlier login of the same user.
  void apply(xmpp::ScramClientConfig& config) const;
  // Records the outcome of a successful exchange. Counts a PBKDF2 run when
  // the server's salt or iteration count differed from what apply() offered.
  void remember(const std::string& username, const xmpp::ScramClient& client);

  [[nodiscard]] bool contains(const std::string& username) const {
    return entries_.contains(username);
  }
  [[nodiscard]] std::uint64_t pbkdf2Runs() const { return pbkdf2Runs_; }
  [[nodiscard]] std::uint64_t hits() const { return hits_; }

 private:
  struct Entry {
    std::string salt;
    std::uint32_t iterations = 0;
    std::string saltedPassword;
  };
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t pbkdf2Runs_ = 0;
  std::uint64_t hits_ = 0;
};

}  // namespace keyfed::loadgen
