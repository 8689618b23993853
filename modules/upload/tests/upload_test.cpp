// XEP-0363 against a TestServer: slot requests over XMPP, then the PUT and
// GET routes called as the https listener would call them.
#include <gtest/gtest.h>

#include "keyfed/http/router.hpp"
#include "keyfed/modules/upload.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "upload_path.hpp"

namespace keyfed::modules {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::string_view kNs = "urn:xmpp:http:upload:0";

// An https listener in the config (never opened: no https module here). Set
// on the loaded config, as a file would need certificates for it.
void addHttpsListener(server::TestServer& t) {
  t.config.listeners.push_back({config::ListenerType::https, "127.0.0.1", 5443});
}

xml::Element slotRequest(std::string_view filename, std::string_view size,
                         std::string_view type = "text/plain") {
  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", "get");
  iq.setAttr("id", "s1");
  iq.setAttr("to", "example.test");
  auto& request = iq.addChild("request", std::string(kNs));
  request.setAttr("filename", filename);
  request.setAttr("size", size);
  if (!type.empty()) request.setAttr("content-type", type);
  return iq;
}

std::string condition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

http::Request request(std::string method, std::string_view url, std::string body = {}) {
  constexpr std::string_view origin = "https://example.test:5443";
  http::Request r;
  r.method = std::move(method);
  r.path = std::string(url.substr(origin.size()));
  r.target = r.path;
  r.body = std::move(body);
  r.remoteAddress = "127.0.0.1";
  if (r.method == "PUT") {
    r.headers.push_back({"content-length", std::to_string(r.body.size())});
    r.headers.push_back({"content-type", "text/plain"});
  }
  return r;
}

class UploadTest : public ::testing::Test {
 protected:
  UploadTest() : t({"example.test", "other.test"}) { addHttpsListener(t); }

  void start(UploadConfig config = {}) {
    config.enabled = true;
    config.directory = t.dir / "upload";
    t.addUser("alice", "example.test");
    t.addUser("bob", "example.test");
    t.addUser("carol", "other.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeUploadModule(&routes, config));
    auto started = t.start(std::move(modules));
    ASSERT_TRUE(started) << started.error().describe();
    alice = t.connect("alice", "example.test", "a");
  }

  // Asks for a slot as alice; the put URL, or "" with the reply kept in `last`.
  std::string slot(std::string_view filename, std::string_view size) {
    alice->sendToServer(slotRequest(filename, size));
    auto got = alice->take();
    EXPECT_EQ(got.size(), 1U);
    if (got.empty()) return "";
    last = got[0];
    const xml::Element* s = last.child("slot", kNs);
    if (s == nullptr) return "";
    const xml::Element* put = s->child("put", kNs);
    const xml::Element* get = s->child("get", kNs);
    EXPECT_NE(put, nullptr);
    EXPECT_NE(get, nullptr);
    if (put == nullptr || get == nullptr) return "";
    EXPECT_EQ(put->attr("url"), get->attr("url"));
    return std::string(put->attr("url"));
  }

  // The PUT as the listener runs it: the header check, then the handler.
  http::Response put(std::string_view url, std::string body) {
    http::Request r = request("PUT", url, std::move(body));
    const http::Route* route = routes.find("PUT", r.path);
    EXPECT_NE(route, nullptr);
    if (route == nullptr) return {};
    http::HeaderVerdict verdict = route->checkHeader(r);
    if (verdict.refusal) return *verdict.refusal;
    EXPECT_EQ(verdict.maxBodyBytes, r.body.size());
    return route->handler(r);
  }
  http::Response get(std::string_view url) {
    http::Request r = request("GET", url);
    const http::Route* route = routes.find("GET", r.path);
    EXPECT_NE(route, nullptr);
    return route != nullptr ? route->handler(r) : http::Response{};
  }

  http::Router routes;
  server::TestServer t;
  std::unique_ptr<server::TestClientSession> alice;
  xml::Element last;
};

std::string header(const http::Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

TEST_F(UploadTest, ASlotThenAPutThenAGetReturnsTheFile) {
  start();
  const std::string url = slot("notes.txt", "11");
  ASSERT_FALSE(url.empty()) << xml::toString(last);
  EXPECT_TRUE(url.starts_with("https://example.test:5443/upload/")) << url;
  EXPECT_TRUE(url.ends_with("/notes.txt")) << url;

  EXPECT_EQ(get(url).status, 404) << "nothing there before the PUT";
  const http::Response stored = put(url, "hello world");
  EXPECT_EQ(stored.status, 201) << stored.body;
  EXPECT_EQ(put(url, "hello world").status, 403) << "a slot is used once";

  const http::Response served = get(url);
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(served.body, "hello world");
  EXPECT_EQ(header(served, "content-type"), "text/plain");
  EXPECT_EQ(header(served, "x-content-type-options"), "nosniff");
  EXPECT_EQ(header(served, "access-control-allow-origin"), "*");
  EXPECT_NE(header(served, "content-security-policy").find("default-src 'none'"),
            std::string::npos);
}

TEST_F(UploadTest, DiscoveryAdvertisesTheServiceAndItsLimit) {
  UploadConfig config;
  config.maxFileSize = 4096;
  start(config);
  const auto& disco = t.server->disco();
  EXPECT_NE(std::find(disco.serverFeatures().begin(), disco.serverFeatures().end(), kNs),
            disco.serverFeatures().end());
  ASSERT_EQ(disco.serverForms().size(), 1U);
  EXPECT_EQ(disco.serverForms()[0].formType, kNs);
  EXPECT_EQ(disco.serverForms()[0].fields,
            (std::vector<std::pair<std::string, std::string>>{{"max-file-size", "4096"}}));
}

TEST_F(UploadTest, ATooLargeFileIsRefusedWithTheLimit) {
  UploadConfig config;
  config.maxFileSize = 100;
  start(config);
  EXPECT_EQ(slot("big.bin", "101"), "");
  EXPECT_EQ(condition(last), "not-acceptable");
  const xml::Element* error = last.child("error", xmpp::ns::client);
  ASSERT_NE(error, nullptr);
  const xml::Element* tooLarge = error->child("file-too-large", kNs);
  ASSERT_NE(tooLarge, nullptr);
  EXPECT_EQ(tooLarge->childText("max-file-size", kNs), "100");
}

TEST_F(UploadTest, BadRequestsAreRefused) {
  start();
  for (auto [filename, size] : {std::pair<std::string_view, std::string_view>{"", "5"},
                                {"a/b", "5"},
                                {"..", "5"},
                                {"a.txt", ""},
                                {"a.txt", "0"},
                                {"a.txt", "-1"},
                                {"a.txt", "5x"}}) {
    EXPECT_EQ(slot(filename, size), "") << filename << " " << size;
    EXPECT_EQ(condition(last), "bad-request") << filename << " " << size;
  }
}

TEST_F(UploadTest, TheQuotaCountsStoredFilesAndPendingSlots) {
  UploadConfig config;
  config.quota = 10;
  start(config);
  const std::string first = slot("a.txt", "6");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(slot("b.txt", "5"), "") << "6 reserved + 5 > 10";
  EXPECT_EQ(condition(last), "resource-constraint");
  ASSERT_EQ(put(first, "123456").status, 201);
  EXPECT_EQ(slot("b.txt", "5"), "") << "6 stored + 5 > 10";
  EXPECT_FALSE(slot("b.txt", "4").empty());
}

TEST_F(UploadTest, PendingSlotsAreBoundedPerUserAndExpire) {
  UploadConfig config;
  config.maxPendingSlots = 2;
  config.slotLifetime = 60s;
  start(config);
  const std::string first = slot("a.txt", "1");
  ASSERT_FALSE(slot("b.txt", "1").empty());
  EXPECT_EQ(slot("c.txt", "1"), "");
  EXPECT_EQ(condition(last), "resource-constraint");
  t.clock.advance(61s);
  EXPECT_EQ(put(first, "x").status, 403) << "an expired slot takes no file";
  EXPECT_FALSE(slot("c.txt", "1").empty()) << "expired slots no longer count";
}

TEST_F(UploadTest, APutMustMatchItsSlot) {
  start();
  const std::string url = slot("a.txt", "3");
  ASSERT_FALSE(url.empty());
  EXPECT_EQ(put(url, "four").status, 400) << "another size";
  const std::string other = url.substr(0, url.rfind('/')) + "/b.txt";
  EXPECT_EQ(put(other, "abc").status, 403) << "another filename";
  const std::string forged =
      "https://example.test:5443" + upload::uploadPath(upload::newToken(), "a.txt");
  EXPECT_EQ(put(forged, "abc").status, 403) << "a token never handed out";

  http::Request typed = request("PUT", url, "abc");
  typed.headers[1].value = "text/html";
  EXPECT_EQ(routes.find("PUT", typed.path)->checkHeader(typed).refusal->status, 400)
      << "another content type";
  http::Request chunked = request("PUT", url, "abc");
  chunked.headers.erase(chunked.headers.begin());
  EXPECT_EQ(routes.find("PUT", chunked.path)->checkHeader(chunked).refusal->status, 411);
  EXPECT_EQ(put(url, "abc").status, 201) << "the slot survived the refused attempts";
}

TEST_F(UploadTest, AFileIsServedUntilItExpires) {
  UploadConfig config;
  config.expireAfter = 3600s;
  start(config);
  const std::string url = slot("a.txt", "3");
  ASSERT_EQ(put(url, "abc").status, 201);
  t.clock.advance(1800s);
  EXPECT_EQ(get(url).status, 200);
  t.clock.advance(1801s);
  EXPECT_EQ(get(url).status, 404) << "expired, even before the sweep runs";
}

TEST_F(UploadTest, OnlyTheHostsOwnUsersGetSlots) {
  start();
  auto carol = t.connect("carol", "other.test", "c");
  carol->sendToServer(slotRequest("a.txt", "3"));
  auto got = carol->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(condition(got[0]), "forbidden");
}

TEST_F(UploadTest, PreflightAllowsCrossOriginPuts) {
  start();
  const http::Route* route = routes.find("OPTIONS", "/upload/x/y");
  ASSERT_NE(route, nullptr);
  const http::Response r = route->handler(http::Request{});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(header(r, "access-control-allow-origin"), "*");
  EXPECT_NE(header(r, "access-control-allow-methods").find("PUT"), std::string::npos);
  EXPECT_EQ(header(r, "access-control-allow-headers"), "content-type");
}

TEST(UploadConfigCheck, MaxFileSizeAboveTheHttpBodyLimitFailsTheStart) {
  server::TestServer t({"example.test"});
  addHttpsListener(t);
  http::Router routes;
  UploadConfig config;
  config.enabled = true;
  config.directory = t.dir / "upload";
  config.maxFileSize = std::size_t{64} * 1024 * 1024;
  std::vector<std::unique_ptr<server::Module>> modules;
  modules.push_back(makeUploadModule(&routes, config));
  auto started = t.start(std::move(modules));
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("max_body_bytes"), std::string::npos)
      << started.error().describe();
}

TEST(UploadConfigCheck, WithoutAnHttpsListenerTheStartFails) {
  server::TestServer t({"example.test"});
  http::Router routes;
  UploadConfig config;
  config.enabled = true;
  config.directory = t.dir / "upload";
  std::vector<std::unique_ptr<server::Module>> modules;
  modules.push_back(makeUploadModule(&routes, config));
  auto started = t.start(std::move(modules));
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, "upload.no-https");
}

}  // namespace
}  // namespace keyfed::modules
