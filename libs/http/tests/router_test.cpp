#include "keyfed/http/router.hpp"

#include <gtest/gtest.h>

namespace keyfed::http {
namespace {

Response ok(const Request&) {
  return Response::json(200, "{}");
}

TEST(Router, FindsByMethodAndExactPathOrPrefix) {
  Router router;
  ASSERT_TRUE(router.add({"POST", "/fac/request", 10, ok}));
  ASSERT_TRUE(router.add({"GET", "/files/*", 0, ok}));
  EXPECT_NE(router.find("POST", "/fac/request"), nullptr);
  EXPECT_EQ(router.find("GET", "/fac/request"), nullptr);
  EXPECT_EQ(router.find("POST", "/fac/request/x"), nullptr);
  EXPECT_NE(router.find("GET", "/files/a/b"), nullptr);
  EXPECT_EQ(router.find("GET", "/filesx"), nullptr);
  EXPECT_EQ(router.allowedMethods("/fac/request"), "POST");
  EXPECT_EQ(router.allowedMethods("/nothing"), "");
}

TEST(Router, RefusesDuplicatesAndBadPaths) {
  Router router;
  ASSERT_TRUE(router.add({"POST", "/a", 0, ok}));
  EXPECT_FALSE(router.add({"POST", "/a", 0, ok}));
  EXPECT_FALSE(router.add({"POST", "a", 0, ok}));
  EXPECT_FALSE(router.add({"", "/b", 0, ok}));
}

TEST(Response, ErrorsAreJsonAndSerializeWithLength) {
  auto r = Response::error(413, "http.body-too-large", "too big \xff");
  EXPECT_EQ(r.status, 413);
  const std::string wire = serialize(r, false);
  EXPECT_TRUE(wire.starts_with("HTTP/1.1 413 Payload Too Large\r\n")) << wire;
  EXPECT_NE(wire.find("content-type: application/json\r\n"), std::string::npos);
  EXPECT_NE(wire.find("connection: close\r\n"), std::string::npos);
  EXPECT_NE(wire.find("content-length: " + std::to_string(r.body.size())), std::string::npos);
  EXPECT_NE(r.body.find("\"code\":\"http.body-too-large\""), std::string::npos);
}

}  // namespace
}  // namespace keyfed::http
