#include "scram_cache.hpp"

namespace keyfed::loadgen {

void ScramCache::apply(xmpp::ScramClientConfig& config) const {
  auto it = entries_.find(config.username);
  if (it == entries_.end()) return;
  config.cachedSalt = it->second.salt;
  config.cachedIterations = it->second.iterations;
  config.cachedSaltedPassword = it->second.saltedPassword;
}

void ScramCache::remember(const std::string& username, const xmpp::ScramClient& client) {
  Entry& e = entries_[username];
  if (!e.saltedPassword.empty() && e.salt == client.salt() && e.iterations == client.iterations()) {
    ++hits_;
    return;
  }
  ++pbkdf2Runs_;
  e.salt = client.salt();
  e.iterations = client.iterations();
  e.saltedPassword = client.saltedPassword();
}

}  // namespace keyfed::loadgen
