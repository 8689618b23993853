// The upload URL shape and what a client may name its file.
#include "upload_path.hpp"

#include <gtest/gtest.h>

#include <set>

namespace keyfed::modules::upload {
namespace {

TEST(UploadPath, RoundTripsAFilenameThroughPercentEncoding) {
  const std::string token = newToken();
  const std::string path = uploadPath(token, "holiday photo (1).jpg");
  EXPECT_EQ(path, "/upload/" + token + "/holiday%20photo%20%281%29.jpg");
  auto parsed = parseUploadPath(path);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->token, token);
  EXPECT_EQ(parsed->filename, "holiday photo (1).jpg");

  auto unicode = parseUploadPath(uploadPath(token, "r\xc3\xa9sum\xc3\xa9.pdf"));
  ASSERT_TRUE(unicode);
  EXPECT_EQ(unicode->filename, "r\xc3\xa9sum\xc3\xa9.pdf");
}

TEST(UploadPath, RefusesWhatIsNotExactlyTokenAndFilename) {
  const std::string token = newToken();
  for (const std::string& path : {
           std::string("/upload/") + token,                   // no filename
           std::string("/upload/") + token + "/",             // empty filename
           std::string("/upload/") + token + "/a/b",          // a slash in the name
           std::string("/upload/") + token + "/%2e%2e",       // ".."
           std::string("/upload/") + token + "/a%2Fb",        // an encoded slash
           std::string("/upload/") + token + "/a%0Ab",        // a control character
           std::string("/upload/") + token + "/a%ZZ",         // not hex
           std::string("/upload/") + token + "/a%4",          // truncated escape
           std::string("/upload/") + token + "/%C3",          // not UTF-8
           std::string("/upload/") + token.substr(1) + "/a",  // short token
           std::string("/upload/") + "G" + token.substr(1) + "/a",
           std::string("/uploads/") + token + "/a",
       }) {
    EXPECT_FALSE(parseUploadPath(path)) << path;
  }
}

TEST(UploadPath, TokensAreFreshHexOf128Bits) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = newToken();
    EXPECT_TRUE(isToken(token)) << token;
    EXPECT_TRUE(seen.insert(token).second);
  }
}

TEST(UploadPath, ContentTypesAreMediaTypes) {
  EXPECT_TRUE(acceptableContentType("image/jpeg"));
  EXPECT_TRUE(acceptableContentType("text/plain; charset=utf-8"));
  EXPECT_FALSE(acceptableContentType(""));
  EXPECT_FALSE(acceptableContentType("jpeg"));
  EXPECT_FALSE(acceptableContentType("/jpeg"));
  EXPECT_FALSE(acceptableContentType("image/"));
  EXPECT_FALSE(acceptableContentType("text/html\r\nx-injected: 1"));
  EXPECT_FALSE(acceptableContentType("te xt/plain"));
}

}  // namespace
}  // namespace keyfed::modules::upload
