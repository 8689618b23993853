#pragma once
// Shared pieces of the clearinghouse tests: keys, signed tables, and a
// TestServer running the clearinghouse module in either role, with every
// stanza it sends to another domain captured.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "keyfed/clearinghouse/module.hpp"
#include "keyfed/http/router.hpp"
#include "keyfed/server/test_server.hpp"
#include "keynote/keys.hpp"

namespace keyfed::clearinghouse::testing {

using namespace std::chrono_literals;

// One key pair per name ("ch", "rogue"), made once per test binary.
inline const keynote::KeyPair& key(const std::string& name,
                                   const std::string& algorithm = "ed25519-hex:") {
  static std::map<std::string, keynote::KeyPair> keys;
  auto it = keys.find(name);
  if (it == keys.end()) {
    auto made = keynote::generateKey(algorithm, algorithm.starts_with("rsa") ? 1024 : 256);
    EXPECT_TRUE(made.ok());
    it = keys.emplace(name, made.value()).first;
  }
  return it->second;
}

inline constexpr std::int64_t kT0 = 1'800'000'000;

// A table by ch.test, signed with `signer`'s key.
inline TableDocument table(std::int64_t version, std::vector<Row> rows, std::int64_t issued = kT0,
                           std::int64_t validity = 3600, const std::string& signer = "ch") {
  TableDocument d;
  d.clearinghouse = "ch.test";
  d.version = version;
  d.issued = issued;
  d.expires = issued + validity;
  d.rows = std::move(rows);
  auto signedOk = signDocument(d, key(signer).privateKey);
  EXPECT_TRUE(signedOk.has_value()) << (signedOk ? "" : signedOk.error().describe());
  return d;
}

// Rows at levels 2 and 3 (l2.test, l3.test): a level-3 POLICY tells them apart.
inline const std::vector<Row>& levelRows() {
  static const std::vector<Row> rows = {{"l2.test", 2, {}, std::nullopt},
                                        {"l3.test", 3, {}, std::nullopt}};
  return rows;
}

// "Federate only with level >= minimum" as a member's POLICY.
inline std::string minimumLevelPolicy(int minimum) {
  return "KeyNote-Version: 2\nAuthorizer: \"POLICY\"\nConditions: app_domain == "
         "\"keyfed-federation\" && @Peer_Level >= " +
         std::to_string(minimum) + " -> \"true\";\n";
}

inline policy::PeerFacts peer(std::string domain, std::string address, std::int64_t now) {
  policy::PeerFacts f;
  f.localDomain = "m1.test";
  f.peerDomain = std::move(domain);
  f.address = std::move(address);
  f.direction = policy::Direction::outbound;
  f.tls = true;
  f.dialbackVerified = true;
  f.now = base::fromUnixSeconds(now);
  return f;
}

// A TestServer with the clearinghouse module; stanzas leaving for other
// domains are kept in `sent` instead of being bounced.
class ModuleFixture : public ::testing::Test {
 protected:
  // `beforeStart` runs once the server (and its loop) exists, before the
  // modules load; `routes` given: the table's HTTPS route is added to it.
  void startServer(const std::vector<std::string>& domains, const ClearinghouseConfig* role,
                   const MemberConfig* member, const std::function<void()>& beforeStart = {},
                   http::Router* routes = nullptr) {
    base::configureLogging(base::LogLevel::warn);
    server_ = std::make_unique<server::TestServer>(domains);
    server_->clock.setWall(base::fromUnixSeconds(kT0));
    if (role != nullptr) server_->config.sections[std::string(kSectionName)] = *role;
    if (member != nullptr) server_->config.sections[std::string(kMemberSectionName)] = *member;
    if (beforeStart) beforeStart();
    auto module = makeClearinghouseModule();
    module_ = module.get();
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(std::move(module));
    if (routes != nullptr) modules.push_back(makeTableHttpsModule(*module_, *routes));
    auto started = server_->start(std::move(modules));
    ASSERT_TRUE(started.has_value()) << started.error().describe();
    server_->server->hooks().stanzas.hook("route/remote", [this](server::StanzaEvent& e) {
      sent_.push_back(e.stanza.clone());
      return true;
    });
    server_->poll();
  }

  static ClearinghouseConfig roleConfig(const std::string& signer = "ch") {
    ClearinghouseConfig c;
    c.enabled = true;
    c.jid = "ch.test";
    c.privateKey = key(signer).privateKey;
    c.publicKey = key(signer).publicKey;
    c.documentValidity = 3600s;
    return c;
  }

  static MemberConfig memberConfig(int minimumLevel, StaleMode stale = StaleMode::failClosed) {
    MemberConfig c;
    c.enabled = true;
    c.clearinghouse = "ch.test";
    c.publicKey = key("ch").publicKey;
    c.stale = stale;
    c.policyAssertions = {minimumLevelPolicy(minimumLevel)};
    return c;
  }

  std::vector<storage::AuditRecord> auditOf(const std::string& event) {
    storage::AuditQuery q;
    q.event = event;
    auto records = server_->storage->audit().query(q);
    EXPECT_TRUE(records.has_value());
    return records ? *records : std::vector<storage::AuditRecord>{};
  }

  // Routes a stanza into the server as if it came over s2s.
  void receive(xml::Element stanza) {
    server_->server->route(std::move(stanza));
    server_->poll();
  }

  std::unique_ptr<server::TestServer> server_;
  ClearinghouseModule* module_ = nullptr;
  std::vector<xml::Element> sent_;
};

}  // namespace keyfed::clearinghouse::testing
