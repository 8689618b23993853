// The member's bootstrap over HTTPS against a real TLS server on loopback:
// a fetched table goes through the same accept path as a pushed one
// (signature, version only up), and the transport is bounded and
// authenticated (size cap, timeouts, the clearinghouse's certificate).

#include "keyfed/clearinghouse/bootstrap.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "keyfed/clearinghouse/member.hpp"
#include "keyfed/http/client.hpp"
#include "keyfed/http/test_https_server.hpp"
#include "test_support.hpp"

namespace keyfed::clearinghouse {
namespace {

using namespace std::chrono_literals;

using testing::kT0;
using testing::peer;
using testing::table;

class BootstrapTest : public testing::ModuleFixture {
 protected:
  // Starts the member with its bootstrap_url at a TLS server whose
  // certificate names `names` (or at a silent listener).
  void start(const std::vector<std::string>& names = {"ch.test"},
             const std::function<void(MemberConfig&)>& adjust = {}, bool silent = false) {
    MemberConfig config = memberConfig(3);
    startServer({"m1.test"}, nullptr, &config, [&] {
      // Made in every case: its certificate is what the trust store holds.
      https_ = std::make_unique<http::TestHttpsServer>(server_->loop, names);
      ASSERT_TRUE(https_->routes().add({"GET", std::string(kTablePath), 0,
                                        [this](const http::Request& r) { return serve(r); }}));
      ASSERT_TRUE(https_->start());
      server_->config.tls.caFile = http::TestHttpsServer::trustStore();
      std::uint16_t port = https_->port();
      if (silent) {
        silent_ = std::make_unique<http::SilentListener>(server_->loop);
        port = silent_->port();
      }
      config.bootstrapUrl = "https://127.0.0.1:" + std::to_string(port) + std::string(kTablePath);
      if (adjust) adjust(config);
      server_->config.sections[std::string(kMemberSectionName)] = config;
    });
    ASSERT_NE(module_->member(), nullptr);
  }

  http::Response serve(const http::Request& r) {
    ++served_;
    const std::string* tag = r.header("if-none-match");
    ifNoneMatch_ = tag != nullptr ? *tag : "";
    if (!notModifiedTag_.empty() && ifNoneMatch_ == notModifiedTag_) {
      http::Response out;
      out.status = 304;
      return out;
    }
    return http::Response::json(200, document_);
  }

  Member& member() { return *module_->member(); }

  // Drives the loop until the bootstrap in flight has ended.
  const BootstrapOutcome& settle() {
    const auto end = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < end &&
           (member().lastBootstrap().attempt == 0 || member().lastBootstrap().state == "running")) {
      server_->poll();
      std::this_thread::sleep_for(1ms);
    }
    return member().lastBootstrap();
  }

  bool allowed(const std::string& domain) {
    return server_->server->policy()
        .decideStream(peer(domain, "127.0.0.1", base::unixSeconds(server_->clock.now())))
        .allowed();
  }

  std::unique_ptr<http::TestHttpsServer> https_;
  std::unique_ptr<http::SilentListener> silent_;
  std::string document_ = toJson(table(3, testing::levelRows()));
  std::string notModifiedTag_;
  std::string ifNoneMatch_;
  int served_ = 0;
};

TEST_F(BootstrapTest, WithoutATableItFetchesOverHttpsAtStartAndDecidesByIt) {
  start();
  const auto& outcome = settle();
  EXPECT_EQ(outcome.state, "accepted") << outcome.code << " " << outcome.message;
  ASSERT_TRUE(member().table().has_value());
  EXPECT_EQ(member().table()->version, 3);
  EXPECT_TRUE(allowed("l3.test"));
  EXPECT_FALSE(allowed("l2.test"));
  ASSERT_EQ(auditOf("table-accepted").size(), 1U);
  EXPECT_EQ(auditOf("table-accepted")[0].peer, "https");
  EXPECT_EQ(ifNoneMatch_, "") << "nothing held: no If-None-Match";
  EXPECT_EQ(sent_.size(), 2U) << "the pubsub subscription is asked for as well";
  // A fresh table held: the periodic fetch stays on pubsub.
  member().fetch();
  server_->poll();
  EXPECT_EQ(served_, 1);
}

TEST_F(BootstrapTest, AStaleTableIsRefetchedOverHttps) {
  document_ = toJson(table(3, testing::levelRows(), kT0, 3600));
  start();
  settle();
  ASSERT_TRUE(member().table().has_value());
  document_ = toJson(table(4, testing::levelRows(), kT0 + 7200, 3600));
  server_->clock.advance(7200s);
  ASSERT_TRUE(member().stale());
  member().fetch();
  EXPECT_EQ(settle().state, "accepted");
  EXPECT_EQ(member().table()->version, 4);
  EXPECT_EQ(ifNoneMatch_, "\"3\"");
}

TEST_F(BootstrapTest, ATamperedTableIsRefusedAndAudited) {
  document_ = toJson(table(3, testing::levelRows()));
  const auto at = document_.find("\"level\":2");
  ASSERT_NE(at, std::string::npos);
  document_.replace(at, 9, "\"level\":3");
  start();
  const auto& outcome = settle();
  EXPECT_EQ(outcome.state, "failed");
  EXPECT_EQ(outcome.code, errc::kBadSignature);
  EXPECT_FALSE(member().table().has_value());
  EXPECT_FALSE(allowed("l2.test"));
  ASSERT_EQ(auditOf("table-refused").size(), 1U);
  EXPECT_EQ(auditOf("table-refused")[0].peer, "https");
  EXPECT_EQ(auditOf("table-refused")[0].outcome, errc::kBadSignature);
}

TEST_F(BootstrapTest, ATableSignedByAnotherKeyIsRefused) {
  document_ = toJson(table(3, testing::levelRows(), kT0, 3600, "rogue"));
  start();
  EXPECT_EQ(settle().code, errc::kSigner);
  EXPECT_FALSE(member().table().has_value());
}

TEST_F(BootstrapTest, ALowerVersionIsAReplay) {
  document_ = toJson(table(5, testing::levelRows()));
  start();
  ASSERT_EQ(settle().state, "accepted");
  document_ = toJson(table(4, {{"l2.test", 3, {}, std::nullopt}}));
  ASSERT_TRUE(member().fetchOverHttps("test"));
  const auto& outcome = settle();
  EXPECT_EQ(outcome.state, "failed");
  EXPECT_EQ(outcome.code, errc::kReplay);
  EXPECT_EQ(ifNoneMatch_, "\"5\"");
  EXPECT_EQ(member().table()->version, 5);
  EXPECT_FALSE(allowed("l2.test"));
}

TEST_F(BootstrapTest, NothingNewerIsA304AndTheTableStays) {
  start();
  ASSERT_EQ(settle().state, "accepted");
  notModifiedTag_ = "\"3\"";
  ASSERT_TRUE(member().fetchOverHttps("test"));
  EXPECT_EQ(settle().state, "unchanged");
  EXPECT_EQ(member().table()->version, 3);
}

TEST_F(BootstrapTest, AnAnswerOverTheCapIsRefused) {
  std::vector<Row> many;
  many.reserve(100);
  for (int i = 0; i < 100; ++i)
    many.push_back({"m" + std::to_string(100 + i) + ".test", 3, {}, {}});
  document_ = toJson(table(3, many));
  start({"ch.test"}, [](MemberConfig& c) { c.bootstrapMaxBytes = 1024; });
  const auto& outcome = settle();
  EXPECT_EQ(outcome.state, "failed");
  EXPECT_EQ(outcome.code, http::client_errc::kTooLarge);
  EXPECT_FALSE(member().table().has_value());
  ASSERT_EQ(auditOf("table-fetch-failed").size(), 1U);
  EXPECT_EQ(auditOf("table-fetch-failed")[0].outcome, http::client_errc::kTooLarge);
}

TEST_F(BootstrapTest, AServerThatDoesNotAnswerTimesOut) {
  start(
      {"ch.test"},
      [](MemberConfig& c) {
        c.bootstrapConnectTimeout = 1s;
        c.bootstrapTimeout = 2s;
      },
      /*silent=*/true);
  const auto began = std::chrono::steady_clock::now();
  const auto& outcome = settle();
  EXPECT_EQ(outcome.state, "failed");
  EXPECT_EQ(outcome.code, http::client_errc::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
  EXPECT_EQ(auditOf("table-fetch-failed").size(), 1U);
}

TEST_F(BootstrapTest, ACertificateNotForTheClearinghouseIsRefused) {
  start({"other.test"});
  const auto& outcome = settle();
  EXPECT_EQ(outcome.state, "failed");
  EXPECT_EQ(outcome.code, http::client_errc::kCertificate);
  EXPECT_NE(outcome.message.find("not valid for ch.test"), std::string::npos) << outcome.message;
  EXPECT_EQ(served_, 0) << "nothing is asked of a server that does not prove ch.test";
  EXPECT_FALSE(member().table().has_value());
  ASSERT_EQ(auditOf("table-fetch-failed").size(), 1U);
  EXPECT_EQ(auditOf("table-fetch-failed")[0].outcome, http::client_errc::kCertificate);
}

TEST_F(BootstrapTest, WithoutABootstrapUrlThereIsNothingToFetch) {
  start({"ch.test"}, [](MemberConfig& c) { c.bootstrapUrl.clear(); });
  auto attempt = member().fetchOverHttps("test");
  ASSERT_FALSE(attempt);
  EXPECT_EQ(attempt.error().code, "clearinghouse.no-bootstrap-url");
  EXPECT_EQ(served_, 0);
}

}  // namespace
}  // namespace keyfed::clearinghouse
