// XEP-0156 host-meta answers, per virtual host named by Host.

#include "host_meta.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace keyfed::modules::c2s {
namespace {

config::Config twoHosts() {
  config::Config config;
  for (const char* domain : {"example.com", "chat.example.org"}) {
    config::VirtualHost host;
    host.domain = domain;
    config.virtualHosts.push_back(std::move(host));
  }
  return config;
}

http::Request get(std::string host) {
  http::Request r;
  r.method = "GET";
  r.path = "/.well-known/host-meta";
  r.headers.push_back({"host", std::move(host)});
  return r;
}

std::string header(const http::Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

TEST(HostMeta, XrdNamesTheWebSocketUrlOfTheHostAsked) {
  const auto config = twoHosts();
  const auto r = hostMeta(config, get("Chat.Example.org:5443"), HostMetaFormat::xrd);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "access-control-allow-origin"), "*");
  EXPECT_EQ(header(r, "content-type"), "application/xrd+xml; charset=utf-8");
  EXPECT_NE(r.body.find("<Link rel='urn:xmpp:alt-connections:websocket' "
                        "href='wss://chat.example.org:5443/xmpp-websocket'/>"),
            std::string::npos)
      << r.body;
}

TEST(HostMeta, JsonWithoutPortMeansTheDefault) {
  const auto config = twoHosts();
  const auto r = hostMeta(config, get("example.com"), HostMetaFormat::json);
  ASSERT_EQ(r.status, 200);
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["links"][0]["rel"], "urn:xmpp:alt-connections:websocket");
  EXPECT_EQ(body["links"][0]["href"], "wss://example.com/xmpp-websocket");
  EXPECT_EQ(header(r, "access-control-allow-origin"), "*");
}

TEST(HostMeta, OtherHostsAre404AndBadHostHeaders400) {
  const auto config = twoHosts();
  EXPECT_EQ(hostMeta(config, get("evil.example:5443"), HostMetaFormat::xrd).status, 404);
  EXPECT_EQ(hostMeta(config, get("[::1]:5443"), HostMetaFormat::json).status, 404);
  for (std::string bad : {"example.com:", "example.com:99999", "example.com:54x3", ""}) {
    EXPECT_EQ(hostMeta(config, get(bad), HostMetaFormat::xrd).status, 400) << bad;
  }
  http::Request none;
  EXPECT_EQ(hostMeta(config, none, HostMetaFormat::xrd).status, 400);
}

}  // namespace
}  // namespace keyfed::modules::c2s
