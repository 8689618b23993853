// The signed table document: canonical form, signatures, strict reading.

#include "keyfed/clearinghouse/document.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace keyfed::clearinghouse {
namespace {

using testing::key;
using testing::kT0;
using testing::table;

std::vector<Row> rows() {
  return {
      {"b.test", 2, {}, std::nullopt},
      {"a.test", 3, {"127.0.0.1", "10.0.0.0/8"}, kT0 + 60},
  };
}

Expectation expected(const std::string& signer = "ch") {
  return {"ch.test", key(signer).publicKey};
}

TEST(TableDocument, SignedDocumentReadsBackAndVerifies) {
  const TableDocument d = table(7, rows());
  const std::string text = toJson(d);
  EXPECT_EQ(text.rfind("{\"clearinghouse\":\"ch.test\",\"expires\":", 0), 0U) << text;
  EXPECT_NE(text.find("\"rows\":[{\"addresses\":[\"127.0.0.1\",\"10.0.0.0/8\"],\"domain\":"
                      "\"a.test\",\"expires\":1800000060,\"level\":3},{\"domain\":\"b.test\","
                      "\"level\":2}],\"signature\":\"sig-ed25519-sha512-hex:"),
            std::string::npos)
      << text;
  auto parsed = parseDocument(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(parsed->version, 7);
  EXPECT_EQ(parsed->rows.size(), 2U);
  EXPECT_EQ(toJson(*parsed), text);
  EXPECT_TRUE(verifyDocument(*parsed, expected()).has_value());
  ASSERT_NE(parsed->find("A.TEST"), nullptr);
  EXPECT_EQ(parsed->find("a.test")->level, 3);
  EXPECT_EQ(parsed->find("c.test"), nullptr);
}

TEST(TableDocument, AnRsaKeySignsToo) {
  TableDocument d;
  d.clearinghouse = "ch.test";
  d.version = 1;
  d.issued = kT0;
  d.expires = kT0 + 10;
  d.rows = rows();
  ASSERT_TRUE(signDocument(d, key("rsa", "rsa-hex:").privateKey).has_value());
  EXPECT_TRUE(d.signature.starts_with("sig-rsa-sha256-hex:"));
  auto parsed = parseDocument(toJson(d));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(verifyDocument(*parsed, {"ch.test", key("rsa", "rsa-hex:").publicKey}).has_value());
}

TEST(TableDocument, AChangedLevelBreaksTheSignature) {
  std::string text = toJson(table(7, rows()));
  const auto at = text.find("\"level\":2");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 9, "\"level\":3");
  auto parsed = parseDocument(text);
  ASSERT_TRUE(parsed.has_value());
  auto verified = verifyDocument(*parsed, expected());
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().code, errc::kBadSignature);
}

TEST(TableDocument, AnotherKeyOrAnotherClearinghouseIsRefused) {
  auto rogue = parseDocument(toJson(table(7, rows(), kT0, 3600, "rogue")));
  ASSERT_TRUE(rogue.has_value());
  EXPECT_EQ(verifyDocument(*rogue, expected()).error().code, errc::kSigner);
  auto genuine = parseDocument(toJson(table(7, rows())));
  ASSERT_TRUE(genuine.has_value());
  EXPECT_EQ(verifyDocument(*genuine, {"other.test", key("ch").publicKey}).error().code,
            errc::kSigner);
  // The rogue key re-signing with our signer's name does not verify either.
  rogue->signer = key("ch").publicKey;
  EXPECT_EQ(verifyDocument(*rogue, expected()).error().code, errc::kBadSignature);
}

TEST(TableDocument, StrictReadingRefusesWhatIsNotTheFormat) {
  const std::string good = toJson(table(7, rows()));
  auto malformed = [](const std::string& text) {
    auto parsed = parseDocument(text);
    return !parsed.has_value() && parsed.error().code == errc::kMalformed;
  };
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string text = good;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  };
  EXPECT_TRUE(malformed("not json"));
  EXPECT_TRUE(malformed("[]"));
  EXPECT_TRUE(malformed(replaced("\"version\":7", "\"version\":0")));
  EXPECT_TRUE(malformed(replaced("\"version\":7", "\"version\":\"7\"")));
  EXPECT_TRUE(malformed(replaced("\"clearinghouse\"", "\"extra\":1,\"clearinghouse\"")));
  EXPECT_TRUE(malformed(replaced("\"level\":2", "\"level\":1001")));
  EXPECT_TRUE(malformed(replaced("\"level\":2", "\"level\":2,\"colour\":\"red\"")));
  EXPECT_TRUE(malformed(replaced("\"domain\":\"b.test\"", "\"domain\":\"a.test\"")));  // twice
  EXPECT_TRUE(malformed(replaced("\"domain\":\"b.test\"", "\"domain\":\"0.test\"")));  // order
  EXPECT_TRUE(malformed(replaced("\"domain\":\"b.test\"", "\"domain\":\"u@b.test\"")));
  EXPECT_TRUE(malformed(replaced("\"domain\":\"b.test\"", "\"domain\":\"B.test\"")));  // unprepared
  EXPECT_TRUE(malformed(replaced("\"10.0.0.0/8\"", "\"10.0.0.0/33\"")));
  EXPECT_TRUE(malformed(replaced("\"10.0.0.0/8\"", "\"host.example\"")));
  EXPECT_TRUE(malformed(replaced("\"issued\":1800000000", "\"issued\":1800003600")));
  EXPECT_TRUE(malformed(replaced("\"rows\":[", "\"rows\":[[[[")));
  EXPECT_TRUE(malformed(std::string(kMaxDocumentBytes + 1, ' ')));
}

TEST(TableDocument, StaleFromItsExpiryOn) {
  const TableDocument d = table(1, {}, kT0, 100);
  EXPECT_FALSE(isStale(d, base::fromUnixSeconds(kT0 + 99)));
  EXPECT_TRUE(isStale(d, base::fromUnixSeconds(kT0 + 100)));
}

}  // namespace
}  // namespace keyfed::clearinghouse
