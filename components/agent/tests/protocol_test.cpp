// The request format: strict reading, the canonical form, signatures.

#include "keyfed/agent/protocol.hpp"

#include <gtest/gtest.h>

#include "agent_test_support.hpp"

namespace keyfed::agent {
namespace {

using testing::key;

Request sample() {
  Request r;
  r.target = "target.test";
  r.requester = "ed25519-hex:00";
  r.nonce = "0123456789abcdef";
  r.timestamp = 1700000000;
  r.attributes = {{"Server_IP_Address", "127.0.40.55"}, {"App_domain", "XMPP"}};
  r.credentials = {"Authorizer: \"a\"\nLicensees: \"b\"\n"};
  return r;
}

TEST(Protocol, TheCanonicalFormIsSortedCompactAndEscaped) {
  // The exact bytes of docs/fac-protocol.md's example.
  EXPECT_EQ(canonicalForm(sample()),
            "{\"attributes\":{\"App_domain\":\"XMPP\",\"Server_IP_Address\":\"127.0.40.55\"},"
            "\"credentials\":[\"Authorizer: \\\"a\\\"\\nLicensees: \\\"b\\\"\\n\"],"
            "\"nonce\":\"0123456789abcdef\",\"requester\":\"ed25519-hex:00\","
            "\"target\":\"target.test\",\"timestamp\":1700000000,\"version\":0}");
  Request r = sample();
  r.attributes = {{"A", std::string("tab\there \x01 \xc3\xa9 \\ / \x7f")}};
  r.credentials.clear();
  EXPECT_NE(canonicalForm(r).find(R"("A":"tab\there \u0001 é \\ / )"), std::string::npos)
      << canonicalForm(r);
  EXPECT_EQ(signedBytes(sample(), "sig-ed25519-sha512-hex:"),
            "keyfed-fac-request:0\n" + canonicalForm(sample()) + "\nsig-ed25519-sha512-hex:");
}

TEST(Protocol, ASignedRequestSurvivesItsJsonAndVerifies) {
  Request r = sample();
  ASSERT_TRUE(signRequest(r, key("alice").privateKey).has_value());
  EXPECT_EQ(r.requester, key("alice").publicKey);
  EXPECT_TRUE(r.signature.starts_with("sig-ed25519-sha512-hex:"));
  auto parsed = parseRequest(toJson(r));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(parsed->attributes, r.attributes);
  EXPECT_EQ(parsed->credentials, r.credentials);
  EXPECT_TRUE(verifyRequest(*parsed).has_value());
  EXPECT_EQ(requestId(*parsed), requestId(r));
  EXPECT_EQ(requestId(r).size(), 32U);
}

TEST(Protocol, AnyChangeAfterSigningBreaksTheSignature) {
  Request r = sample();
  ASSERT_TRUE(signRequest(r, key("alice").privateKey).has_value());
  Request changed = r;
  changed.attributes["Server_IP_Address"] = "127.0.40.56";
  EXPECT_EQ(verifyRequest(changed).error().code, errc::kBadSignature);
  changed = r;
  changed.timestamp += 1;
  EXPECT_EQ(verifyRequest(changed).error().code, errc::kBadSignature);
  changed = r;
  changed.requester = key("mallory").publicKey;  // claims another key
  EXPECT_EQ(verifyRequest(changed).error().code, errc::kBadSignature);
  changed = r;
  changed.requester = "alice";  // an opaque principal cannot sign
  EXPECT_EQ(verifyRequest(changed).error().code, errc::kBadKey);
  changed = r;
  changed.signature = "sig-rsa-sha1-hex:00";
  EXPECT_EQ(verifyRequest(changed).error().code, errc::kBadSignature);
}

TEST(Protocol, OtherKeyTypesSignToo) {
  for (const char* algorithm : {"rsa-hex:", "ecdsa-p256-base64:"}) {
    auto pair = keynote::generateKey(algorithm, algorithm[0] == 'r' ? 1024 : 256);
    ASSERT_TRUE(pair.ok());
    Request r = sample();
    ASSERT_TRUE(signRequest(r, pair->privateKey).has_value()) << algorithm;
    EXPECT_TRUE(verifyRequest(r).has_value()) << algorithm;
  }
  // A keygen key file (quoted, continued lines) is read too.
  Request r = sample();
  const std::string file = keynote::formatQuoted("", key("bob").privateKey, 12, 50);
  ASSERT_TRUE(signRequest(r, file).has_value());
  EXPECT_EQ(r.requester, key("bob").publicKey);
}

TEST(Protocol, MalformedRequestsAreRefusedWithAReason) {
  Request r = sample();
  ASSERT_TRUE(signRequest(r, key("alice").privateKey).has_value());
  const std::string good = toJson(r);
  auto codeOf = [](std::string_view text) { return parseRequest(text).error().code; };
  EXPECT_EQ(codeOf("[]"), errc::kMalformed);
  EXPECT_EQ(codeOf("{not json"), errc::kMalformed);
  EXPECT_EQ(codeOf(std::string(good).insert(1, "\"extra\":1,")), errc::kMalformed);
  std::string v1 = good;
  v1.replace(v1.find("\"version\":0"), 11, "\"version\":1");
  EXPECT_EQ(codeOf(v1), errc::kVersion);
  std::string shortNonce = good;
  shortNonce.replace(shortNonce.find("0123456789abcdef"), 16, "0123");
  EXPECT_EQ(codeOf(shortNonce), errc::kMalformed);
  std::string badName = good;
  badName.replace(badName.find("App_domain"), 10, "_App_domai");
  EXPECT_EQ(codeOf(badName), errc::kAttributes);
  EXPECT_EQ(codeOf(std::string(300, '[')), errc::kMalformed);
  EXPECT_EQ(codeOf(std::string(kMaxRequestBytes + 1, ' ')), errc::kMalformed);
  Request many = sample();
  many.credentials.assign(kMaxCredentials + 1, "x");
  EXPECT_EQ(codeOf(toJson(many)), errc::kMalformed);
}

}  // namespace
}  // namespace keyfed::agent
