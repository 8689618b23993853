// The HTTPS client against a real TLS HttpServer on loopback: answers, the
// certificate check (name, trust store), limits, timeouts, no redirects.

#include "keyfed/http/client.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "keyfed/http/test_https_server.hpp"
#include "keyfed/net/certificate_check.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/tls.hpp"

namespace keyfed::http {
namespace {

using namespace std::chrono_literals;

template <class Pred>
bool runUntil(net::EventLoop& loop, Pred done, std::chrono::seconds limit = 10s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    loop.poll();
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

class HttpsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestHttpsServer>(loop_, std::vector<std::string>{"ch.test"});
    ASSERT_TRUE(server_->routes().add({"GET", "/table", 0, [this](const Request& r) {
                                         ++served_;
                                         lastRequest_ = r;
                                         Response out = Response::json(200, body_);
                                         out.headers.push_back({"etag", "\"7\""});
                                         return out;
                                       }}));
    ASSERT_TRUE(server_->routes().add({"GET", "/moved", 0, [](const Request&) {
                                         Response out;
                                         out.status = 302;
                                         out.headers.push_back({"location", "https://x.test/"});
                                         return out;
                                       }}));
    ASSERT_TRUE(server_->start());
    useTrustStore(TestHttpsServer::trustStore());
  }

  void useTrustStore(const std::string& file) {
    auto verifier = net::CertificateVerifier::create(file);
    ASSERT_TRUE(verifier) << verifier.error().describe();
    verifier_ = std::move(*verifier);
    auto tls = net::TlsClientContext::create({});
    ASSERT_TRUE(tls);
    tls_ = std::move(*tls);
  }

  base::Result<ClientResponse> get(const std::string& target, const std::string& name = "ch.test",
                                   std::uint16_t port = 0, ClientLimits limits = {}) {
    std::optional<base::Result<ClientResponse>> answer;
    ClientRequest request;
    request.host = "127.0.0.1";
    request.target = target;
    auto exchange = ClientExchange::start(
        loop_, {tls_, verifier_.get(), nullptr},
        {"127.0.0.1", port == 0 ? server_->port() : port, name}, request, limits,
        [&](base::Result<ClientResponse> r) { answer = std::move(r); });
    EXPECT_TRUE(runUntil(loop_, [&] { return answer.has_value(); }));
    if (!answer) return base::fail("test", "no answer");
    return std::move(*answer);
  }

  net::EventLoop loop_;
  std::unique_ptr<TestHttpsServer> server_;
  std::unique_ptr<net::CertificateVerifier> verifier_;
  std::shared_ptr<net::TlsClientContext> tls_;
  std::string body_ = R"({"version":7})";
  int served_ = 0;
  Request lastRequest_;
};

TEST_F(HttpsClientTest, GetsTheAnswerFromAServerProvingTheName) {
  auto answer = get("/table");
  ASSERT_TRUE(answer) << answer.error().describe();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, body_);
  ASSERT_NE(answer->header("etag"), nullptr);
  EXPECT_EQ(*answer->header("etag"), "\"7\"");
  EXPECT_EQ(lastRequest_.serverName, "ch.test") << "SNI is the name the certificate must prove";
  ASSERT_NE(lastRequest_.header("host"), nullptr);
  EXPECT_EQ(*lastRequest_.header("host"), "127.0.0.1");
}

TEST_F(HttpsClientTest, ACertificateForAnotherNameIsRefusedBeforeTheRequest) {
  auto answer = get("/table", "other.test");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, client_errc::kCertificate);
  EXPECT_NE(answer.error().message.find("not valid for other.test"), std::string::npos)
      << answer.error().message;
  EXPECT_EQ(served_, 0);
}

TEST_F(HttpsClientTest, ACertificateOutsideTheTrustStoreIsRefused) {
  TestHttpsServer rogue(loop_, {"ch.test"}, /*trusted=*/false);
  ASSERT_TRUE(rogue.routes().add({"GET", "/table", 0, [this](const Request&) {
                                    ++served_;
                                    return Response::json(200, "{}");
                                  }}));
  ASSERT_TRUE(rogue.start());
  auto answer = get("/table", "ch.test", rogue.port());
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, client_errc::kCertificate);
  EXPECT_EQ(served_, 0);
}

TEST_F(HttpsClientTest, AnAnswerOverTheBodyCapIsRefused) {
  body_ = "\"" + std::string(5000, 'x') + "\"";
  ClientLimits limits;
  limits.maxBodyBytes = 4096;
  auto answer = get("/table", "ch.test", 0, limits);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, client_errc::kTooLarge);
  limits.maxBodyBytes = 8192;
  EXPECT_TRUE(get("/table", "ch.test", 0, limits));
}

TEST_F(HttpsClientTest, AServerThatNeverSpeaksTlsTimesOut) {
  SilentListener silent(loop_);
  ClientLimits limits;
  limits.connectTimeout = 300ms;
  const auto began = std::chrono::steady_clock::now();
  auto answer = get("/table", "ch.test", silent.port(), limits);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, client_errc::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
}

TEST_F(HttpsClientTest, NobodyListeningIsAConnectError) {
  std::uint16_t closedPort = 0;
  {
    SilentListener gone(loop_);
    closedPort = gone.port();
  }
  auto answer = get("/table", "ch.test", closedPort);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, client_errc::kConnect);
}

TEST_F(HttpsClientTest, RedirectsAreAnswersNotFollowed) {
  auto answer = get("/moved");
  ASSERT_TRUE(answer) << answer.error().describe();
  EXPECT_EQ(answer->status, 302);
  EXPECT_EQ(served_, 0);
}

TEST_F(HttpsClientTest, ControlCharactersInTheRequestAreRefused) {
  auto answer = get("/table\r\nx-evil: 1");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, client_errc::kBadRequest);
  EXPECT_EQ(served_, 0);
}

TEST_F(HttpsClientTest, DestroyingTheExchangeCancelsIt) {
  bool called = false;
  ClientRequest request;
  request.host = "127.0.0.1";
  request.target = "/table";
  auto exchange = ClientExchange::start(
      loop_, {tls_, verifier_.get(), nullptr}, {"127.0.0.1", server_->port(), "ch.test"}, request,
      {}, [&](const base::Result<ClientResponse>&) { called = true; });
  exchange.reset();  // before the connection is even made
  runUntil(
      loop_, [] { return false; }, 1s);
  EXPECT_FALSE(called);
  EXPECT_EQ(served_, 0);
}

TEST(IfNoneMatch, WeakComparisonOfAList) {
  EXPECT_TRUE(ifNoneMatchHits("\"42\"", "\"42\""));
  EXPECT_TRUE(ifNoneMatchHits("\"1\", W/\"42\"", "\"42\""));
  EXPECT_TRUE(ifNoneMatchHits("*", "\"42\""));
  EXPECT_FALSE(ifNoneMatchHits("\"41\"", "\"42\""));
  EXPECT_FALSE(ifNoneMatchHits("42", "\"42\""));
  EXPECT_FALSE(ifNoneMatchHits("\"4", "\"42\""));
  EXPECT_FALSE(ifNoneMatchHits("", "\"42\""));
}

TEST(NotModified, HasNoContentLengthAndKeepsTheRoutesCacheControl) {
  Response r;
  r.status = 304;
  r.headers = {{"etag", "\"42\""}, {"cache-control", "no-cache"}};
  const std::string wire = serialize(r, true);
  EXPECT_TRUE(wire.starts_with("HTTP/1.1 304 Not Modified\r\n"));
  EXPECT_EQ(wire.find("content-length"), std::string::npos);
  EXPECT_EQ(wire.find("no-store"), std::string::npos);
  EXPECT_NE(wire.find("cache-control: no-cache"), std::string::npos);
}

}  // namespace
}  // namespace keyfed::http
