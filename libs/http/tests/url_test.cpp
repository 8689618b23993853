// Reading https URLs: what is taken, and what could smuggle bytes into a request.

#include "keyfed/http/url.hpp"

#include <gtest/gtest.h>

namespace keyfed::http {
namespace {

TEST(HttpsUrl, ReadsHostPortAndTarget) {
  auto u = parseHttpsUrl("https://CH.Example:8443/.well-known/keyfed/clearinghouse-table?x=1");
  ASSERT_TRUE(u) << u.error().describe();
  EXPECT_EQ(u->host, "ch.example");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->target, "/.well-known/keyfed/clearinghouse-table?x=1");
  EXPECT_FALSE(u->hostIsAddress);
  EXPECT_EQ(u->authority(), "ch.example:8443");
}

TEST(HttpsUrl, DefaultsAndIpLiterals) {
  auto v4 = parseHttpsUrl("https://127.0.60.1");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->port, kDefaultHttpsPort);
  EXPECT_EQ(v4->target, "/");
  EXPECT_TRUE(v4->hostIsAddress);
  auto v6 = parseHttpsUrl("https://[::1]:443/t");
  ASSERT_TRUE(v6) << v6.error().describe();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->hostIsAddress);
  EXPECT_EQ(v6->authority(), "[::1]");
}

TEST(HttpsUrl, RefusesWhatIsNotAPlainHttpsUrl) {
  for (const char* bad :
       {"http://ch.example/", "https://", "https://:5443/", "https://ch.example:/",
        "https://ch.example:0/", "https://ch.example:65536/", "https://ch.example:12ab/",
        "https://user@ch.example/", "https://ch.example/a b", "https://ch.example/a\r\nX: y",
        "https://ch.example/#frag", "https://[::1/", "https://[not-v6]/", "https://ch_example/",
        "https://a..b/"}) {
    auto u = parseHttpsUrl(bad);
    EXPECT_FALSE(u) << bad;
    if (!u) {
      EXPECT_EQ(u.error().code, "http.url") << bad;
    }
  }
  EXPECT_FALSE(parseHttpsUrl("https://a/" + std::string(3000, 'x')));
}

}  // namespace
}  // namespace keyfed::http
