// GET /.well-known/keyfed/clearinghouse-table on the clearinghouse: the
// published document as pubsub carries it, its version as ETag, 304 for a
// member that holds it, and a rate limit per client address.

#include <gtest/gtest.h>

#include "keyfed/http/router.hpp"
#include "test_support.hpp"

namespace keyfed::clearinghouse {
namespace {

using namespace std::chrono_literals;

class TableHttpsTest : public testing::ModuleFixture {
 protected:
  void SetUp() override {
    ClearinghouseConfig config = roleConfig();
    config.httpsBurst = 2;
    config.httpsInterval = 10s;
    startServer({"ch.test"}, &config, nullptr, {}, &routes_);
    ASSERT_NE(module_->publisher(), nullptr);
  }

  http::Response get(const std::string& address, const std::string& ifNoneMatch = "") {
    const http::Route* route = routes_.find("GET", kTablePath);
    EXPECT_NE(route, nullptr);
    if (route == nullptr) return {};
    http::Request request;
    request.method = "GET";
    request.path = std::string(kTablePath);
    request.target = request.path;
    request.remoteAddress = address;
    if (!ifNoneMatch.empty()) request.headers.push_back({"if-none-match", ifNoneMatch});
    return route->handler(request);
  }

  static std::string headerOf(const http::Response& r, const std::string& name) {
    for (const auto& h : r.headers) {
      if (h.name == name) return h.value;
    }
    return {};
  }

  http::Router routes_;
};

TEST_F(TableHttpsTest, AnswersThePublishedDocumentWithItsVersionAsETag) {
  storage::CommunityRow row;
  row.domain = "m1.test";
  row.level = 3;
  ASSERT_TRUE(module_->publisher()->set(row, "test"));
  const auto r = get("192.0.2.1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, module_->publisher()->document()) << "the same JSON pubsub publishes";
  EXPECT_EQ(headerOf(r, "content-type"), "application/json");
  EXPECT_EQ(headerOf(r, "etag"), "\"" + std::to_string(module_->publisher()->version()) + "\"");
  auto parsed = parseDocument(r.body);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(verifyDocument(*parsed, {"ch.test", testing::key("ch").publicKey}));
  ASSERT_NE(parsed->find("m1.test"), nullptr);
  EXPECT_EQ(routes_.find("GET", kTablePath)->maxBodyBytes, 0U) << "no body accepted";
  EXPECT_EQ(routes_.allowedMethods(kTablePath), "GET");
}

TEST_F(TableHttpsTest, AMemberHoldingTheVersionGets304AndAnOlderOneTheTable) {
  const std::string etag = "\"" + std::to_string(module_->publisher()->version()) + "\"";
  const auto same = get("192.0.2.1", etag);
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(headerOf(same, "etag"), etag);
  storage::CommunityRow row;
  row.domain = "m2.test";
  row.level = 1;
  ASSERT_TRUE(module_->publisher()->set(row, "test"));
  const auto newer = get("192.0.2.2", etag);
  EXPECT_EQ(newer.status, 200) << "a new version was published since";
  EXPECT_EQ(newer.body, module_->publisher()->document());
}

TEST_F(TableHttpsTest, RateLimitedPerClientAddress) {
  EXPECT_EQ(get("192.0.2.1").status, 200);
  EXPECT_EQ(get("192.0.2.1").status, 200);
  const auto refused = get("192.0.2.1");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(headerOf(refused, "retry-after"), "10");
  EXPECT_NE(refused.body.find("clearinghouse.busy"), std::string::npos);
  EXPECT_EQ(get("192.0.2.9").status, 200) << "another address has its own bucket";
  server_->clock.advance(10s);
  EXPECT_EQ(get("192.0.2.1").status, 200) << "one more after the interval";
}

TEST(TableHttpsRoute, NotServedWithoutTheClearinghouseRole) {
  http::Router routes;
  auto module = makeClearinghouseModule();
  server::TestServer server({"m1.test"});
  std::vector<std::unique_ptr<server::Module>> modules;
  auto* clearinghouse = module.get();
  modules.push_back(std::move(module));
  modules.push_back(makeTableHttpsModule(*clearinghouse, routes));
  ASSERT_TRUE(server.start(std::move(modules)));
  EXPECT_TRUE(routes.empty());
}

}  // namespace
}  // namespace keyfed::clearinghouse
