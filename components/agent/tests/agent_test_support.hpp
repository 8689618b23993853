#pragma once
// Shared pieces of the agent tests: generated keys, signed credentials, signed
// requests, and a TestServer running the agent for target.test.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "keyfed/agent/module.hpp"
#include "keyfed/agent/protocol.hpp"
#include "keyfed/server/test_server.hpp"
#include "keynote/keys.hpp"

namespace keyfed::agent::testing {

using namespace std::chrono_literals;

// One Ed25519 key pair per name, made once per test binary.
inline const keynote::KeyPair& key(const std::string& name) {
  static std::map<std::string, keynote::KeyPair> keys;
  auto it = keys.find(name);
  if (it == keys.end()) {
    auto made = keynote::generateKey("ed25519-hex:", 256);
    EXPECT_TRUE(made.ok());
    it = keys.emplace(name, made.value()).first;
  }
  return it->second;
}

// "Name = \"key\"" lines for Local-Constants.
inline std::string constants(const std::vector<std::string>& names) {
  std::string out = "Local-Constants:";
  for (const auto& n : names) out += " " + n + " = \"" + key(n).publicKey + "\"\n";
  return out;
}

// An assertion by `authorizer` for `licensee` with `conditions` (no
// Conditions field when empty), signed by the authorizer's key, or by
// `signer` when given (a wrong signer).
inline std::string credential(const std::string& authorizer, const std::string& licensee,
                              const std::string& conditions, const std::string& signer = {}) {
  std::string text = "KeyNote-Version: 2\n" + constants({authorizer, licensee}) +
                     "Authorizer: " + authorizer + "\nLicensees: " + licensee + "\n";
  if (!conditions.empty()) text += "Conditions: " + conditions + "\n";
  text += "Signature:";
  const auto& by = key(signer.empty() ? authorizer : signer);
  auto sig = keynote::signCredential(text, "sig-ed25519-sha512-hex:", by.privateKey, false);
  EXPECT_TRUE(sig.ok()) << (sig.ok() ? "" : sig.error().describe());
  return text + " \"" + (sig.ok() ? sig.value() : "") + "\"\n";
}

// A trusted POLICY assertion for `licensee`.
inline std::string policyFor(const std::string& licensee, const std::string& conditions) {
  return "KeyNote-Version: 2\n" + constants({licensee}) +
         "Authorizer: \"POLICY\"\nLicensees: " + licensee + "\nConditions: " + conditions + "\n";
}

inline Request request(const std::string& signer, std::map<std::string, std::string> attributes,
                       std::vector<std::string> credentials, std::int64_t now,
                       std::string target = "target.test") {
  Request r;
  r.target = std::move(target);
  r.nonce = makeNonce();
  r.timestamp = now;
  r.attributes = std::move(attributes);
  r.credentials = std::move(credentials);
  auto signedOk = signRequest(r, key(signer).privateKey);
  EXPECT_TRUE(signedOk.has_value()) << (signedOk ? "" : signedOk.error().describe());
  return r;
}

// A TestServer for target.test (and alice.test, when two domains are asked)
// running the agent module with these POLICY assertions.
class AgentFixture : public ::testing::Test {
 protected:
  void startAgent(std::vector<std::string> policies, AgentConfig config = {},
                  const std::vector<std::string>& domains = {"target.test"}) {
    base::configureLogging(base::LogLevel::warn);
    server_ = std::make_unique<server::TestServer>(domains);
    config.enabled = true;
    config.policyAssertions = std::move(policies);
    server_->config.sections[std::string(kSectionName)] = config;
    auto module = makeAgentModule();
    module_ = module.get();
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(std::move(module));
    modules.push_back(makeStanzaPolicyModule());
    auto started = server_->start(std::move(modules));
    ASSERT_TRUE(started.has_value()) << started.error().describe();
    ASSERT_NE(module_->agent(), nullptr);
  }

  Agent& agent() { return *module_->agent(); }
  std::int64_t now() const { return base::unixSeconds(server_->clock.now()); }

  Response submit(const Request& r, const std::string& peer = "alice.test") {
    return agent().handle(toJson(r), Origin{peer, peer});
  }

  std::vector<storage::AuditRecord> auditOf(const std::string& requestId) {
    storage::AuditQuery q;
    q.requestId = requestId;
    auto records = server_->storage->audit().query(q);
    EXPECT_TRUE(records.has_value());
    return records ? *records : std::vector<storage::AuditRecord>{};
  }

  static policy::PeerFacts peer(std::string domain, std::string address, base::SystemTime now) {
    policy::PeerFacts f;
    f.peerDomain = std::move(domain);
    f.address = std::move(address);
    f.dialbackVerified = true;
    f.now = now;
    return f;
  }

  std::unique_ptr<server::TestServer> server_;
  AgentModule* module_ = nullptr;
};

}  // namespace keyfed::agent::testing
