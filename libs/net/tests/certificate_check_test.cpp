#include "keyfed/net/certificate_check.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "certificate_identity.hpp"

namespace keyfed::net {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* x) const { X509_free(x); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

// What goes into a test certificate. Times are relative to the test's `now`.
struct Spec {
  std::string cn;
  std::vector<std::string> dns;        // subjectAltName dNSName (raw bytes, NULs allowed)
  std::vector<std::string> srvIds;     // otherName id-on-dnsSRV, IA5String
  std::vector<std::string> xmppAddrs;  // otherName id-on-xmppAddr, UTF8String
  std::string eku;                     // "serverAuth", "clientAuth", "serverAuth,clientAuth", ""
  bool ca = false;
  std::chrono::seconds notBefore = -1h;
  std::chrono::seconds notAfter = 24h;
};

// An issued certificate and its key; `issuer` null means self-signed.
struct Issued {
  KeyPtr key;
  CertPtr cert;
  std::string der() const {
    unsigned char* out = nullptr;
    const int length = i2d_X509(cert.get(), &out);
    std::string bytes(reinterpret_cast<char*>(out), static_cast<std::size_t>(length));
    OPENSSL_free(out);
    return bytes;
  }
};

void addAltNames(X509* x, const Spec& spec) {
  if (spec.dns.empty() && spec.srvIds.empty() && spec.xmppAddrs.empty()) return;
  GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
  auto push = [&](int type, int stringType, const std::string& value, const char* oid) {
    ASN1_STRING* s = ASN1_STRING_type_new(stringType);
    ASN1_STRING_set(s, value.data(), static_cast<int>(value.size()));
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (type == GEN_DNS) {
      GENERAL_NAME_set0_value(name, GEN_DNS, s);
    } else {
      ASN1_TYPE* any = ASN1_TYPE_new();
      ASN1_TYPE_set(any, stringType, s);
      GENERAL_NAME_set0_othername(name, OBJ_txt2obj(oid, 1), any);
    }
    sk_GENERAL_NAME_push(names, name);
  };
  for (const auto& d : spec.dns) push(GEN_DNS, V_ASN1_IA5STRING, d, nullptr);
  for (const auto& s : spec.srvIds) push(GEN_OTHERNAME, V_ASN1_IA5STRING, s, "1.3.6.1.5.5.7.8.7");
  for (const auto& a : spec.xmppAddrs) {
    push(GEN_OTHERNAME, V_ASN1_UTF8STRING, a, "1.3.6.1.5.5.7.8.5");
  }
  X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
  GENERAL_NAMES_free(names);
}

void addExtension(X509* x, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
}

Issued issue(const Spec& spec, const Issued* issuer, Clock::time_point now) {
  static long serial = 1;
  Issued out;
  out.key.reset(EVP_EC_gen("P-256"));
  out.cert.reset(X509_new());
  X509* x = out.cert.get();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
  X509_NAME* name = X509_get_subject_name(x);
  if (!spec.cn.empty()) {
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
  } else {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("keyfed tests"), -1, -1, 0);
  }
  X509* issuerCert = issuer ? issuer->cert.get() : x;
  X509_set_issuer_name(x, X509_get_subject_name(issuerCert));
  std::time_t base = Clock::to_time_t(now);
  X509_time_adj_ex(X509_getm_notBefore(x), 0, static_cast<long>(spec.notBefore.count()), &base);
  X509_time_adj_ex(X509_getm_notAfter(x), 0, static_cast<long>(spec.notAfter.count()), &base);
  X509_set_pubkey(x, out.key.get());
  addExtension(x, issuerCert, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
  addExtension(x, issuerCert, NID_key_usage,
               spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  addExtension(x, issuerCert, NID_subject_key_identifier, "hash");
  if (issuer) addExtension(x, issuerCert, NID_authority_key_identifier, "keyid:always");
  if (!spec.eku.empty()) addExtension(x, issuerCert, NID_ext_key_usage, spec.eku);
  addAltNames(x, spec);
  X509_sign(x, issuer ? issuer->key.get() : out.key.get(), EVP_sha256());
  return out;
}

// Spec for an XMPP server certificate the usual way: DNS-ID, serverAuth only.
Spec server(const std::string& domain) {
  Spec s;
  s.cn = domain;
  s.dns = {domain};
  s.eku = "serverAuth";
  return s;
}

class CertificateCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/keyfed-certs-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    Spec rootSpec;
    rootSpec.cn = "keyfed test root";
    rootSpec.ca = true;
    rootSpec.notBefore = -240h;
    rootSpec.notAfter = 24h * 365;
    root_ = issue(rootSpec, nullptr, now_);
    writePem(root_, "root.pem");
    auto verifier = CertificateVerifier::create((dir_ / "root.pem").string());
    ASSERT_TRUE(verifier) << verifier.error().describe();
    verifier_ = std::move(*verifier);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string writePem(const Issued& cert, const std::string& file) {
    auto path = (dir_ / file).string();
    FILE* f = fopen(path.c_str(), "w");
    PEM_write_X509(f, cert.cert.get());
    fclose(f);
    return path;
  }

  CertificateCheck check(const std::vector<std::string>& chain, std::string_view domain,
                         Clock::time_point at) const {
    return verifier_->check(chain, domain, at);
  }
  CertificateCheck check(const Spec& spec, std::string_view domain) const {
    return check({issue(spec, &root_, now_).der()}, domain, now_);
  }

  fs::path dir_;
  Clock::time_point now_ = Clock::now();
  Issued root_;
  std::unique_ptr<CertificateVerifier> verifier_;
};

TEST_F(CertificateCheckTest, ValidCertificateForTheDomain) {
  auto leaf = issue(server("a.test"), &root_, now_);
  auto c = check({leaf.der()}, "a.test", now_);
  EXPECT_TRUE(c.presented);
  EXPECT_TRUE(c.chainValid) << c.problem;
  EXPECT_TRUE(c.matchesDomain);
  EXPECT_FALSE(c.expired);
  EXPECT_EQ(c.problem, "");
  EXPECT_TRUE(check({leaf.der()}, "A.Test.", now_).matchesDomain);
}

TEST_F(CertificateCheckTest, WrongNameValidatesButDoesNotMatch) {
  auto c = check(server("b.test"), "a.test");
  EXPECT_TRUE(c.chainValid) << c.problem;
  EXPECT_FALSE(c.matchesDomain);
  EXPECT_EQ(c.problem, "name mismatch");
}

TEST_F(CertificateCheckTest, WildcardCoversExactlyOneLeftmostLabel) {
  Spec wild = server("*.wild.test");
  auto leaf = issue(wild, &root_, now_);
  EXPECT_TRUE(check({leaf.der()}, "x.wild.test", now_).matchesDomain);
  EXPECT_FALSE(check({leaf.der()}, "wild.test", now_).matchesDomain);
  EXPECT_FALSE(check({leaf.der()}, "a.x.wild.test", now_).matchesDomain);
  EXPECT_TRUE(dnsIdMatches("*.Example.ORG", "chat.example.org"));
  EXPECT_FALSE(dnsIdMatches("*.test", "a.test")) << "a wildcard needs two labels after it";
  EXPECT_FALSE(dnsIdMatches("f*.example.org", "foo.example.org")) << "no partial wildcards";
  EXPECT_FALSE(dnsIdMatches("*.*.example.org", "a.b.example.org"));
  EXPECT_FALSE(dnsIdMatches("a.*.example.org", "a.b.example.org"));
}

TEST_F(CertificateCheckTest, ExpiredIsFlaggedAndTheTimeIsAnInput) {
  Spec spec = server("a.test");
  spec.notBefore = -48h;
  spec.notAfter = -1h;
  auto leaf = issue(spec, &root_, now_);
  auto c = check({leaf.der()}, "a.test", now_);
  EXPECT_TRUE(c.expired);
  EXPECT_FALSE(c.chainValid);
  EXPECT_TRUE(c.matchesDomain);
  EXPECT_EQ(c.problem, "expired");
  // The same certificate, checked at a moment inside its validity.
  auto earlier = check({leaf.der()}, "a.test", now_ - 24h);
  EXPECT_FALSE(earlier.expired);
  EXPECT_TRUE(earlier.chainValid) << earlier.problem;
  // And before it starts.
  auto tooEarly = check({leaf.der()}, "a.test", now_ - 72h);
  EXPECT_FALSE(tooEarly.chainValid);
  EXPECT_EQ(tooEarly.problem, "not yet valid");
}

TEST_F(CertificateCheckTest, SelfSignedAndForeignCaAreNotTrusted) {
  auto self = issue(server("a.test"), nullptr, now_);
  auto c = check({self.der()}, "a.test", now_);
  EXPECT_TRUE(c.presented);
  EXPECT_FALSE(c.chainValid);
  EXPECT_TRUE(c.matchesDomain) << "evidence about the name is kept; the policy decides";
  EXPECT_EQ(c.problem, "self-signed");

  Spec otherRoot;
  otherRoot.cn = "someone else's root";
  otherRoot.ca = true;
  auto foreign = issue(otherRoot, nullptr, now_);
  auto leaf = issue(server("a.test"), &foreign, now_);
  auto f = check({leaf.der(), foreign.der()}, "a.test", now_);
  EXPECT_FALSE(f.chainValid);
  EXPECT_EQ(f.problem, "self-signed");  // the foreign root was sent along, in the chain
  auto g = check({leaf.der()}, "a.test", now_);
  EXPECT_FALSE(g.chainValid);
  EXPECT_EQ(g.problem, "untrusted issuer");
}

TEST_F(CertificateCheckTest, SrvIdNamesTheServerOnlyForXmppServer) {
  Spec spec;
  spec.srvIds = {"_xmpp-server.a.test"};
  EXPECT_TRUE(check(spec, "a.test").matchesDomain);
  EXPECT_FALSE(check(spec, "b.test").matchesDomain);
  spec.srvIds = {"_xmpp-client.a.test"};
  EXPECT_FALSE(check(spec, "a.test").matchesDomain) << "a client SRV-ID is not a server identity";
}

TEST_F(CertificateCheckTest, XmppAddrNamesTheBareDomain) {
  Spec spec;
  spec.xmppAddrs = {"a.test"};
  EXPECT_TRUE(check(spec, "a.test").matchesDomain);
  spec.xmppAddrs = {"user@a.test"};
  EXPECT_FALSE(check(spec, "a.test").matchesDomain);
  spec.xmppAddrs = {"*.test"};
  EXPECT_FALSE(check(spec, "a.test").matchesDomain) << "no wildcards in XmppAddr";
}

TEST_F(CertificateCheckTest, CommonNameCountsOnlyWithoutAnySubjectAltName) {
  Spec cnOnly;
  cnOnly.cn = "a.test";
  EXPECT_TRUE(check(cnOnly, "a.test").matchesDomain);
  Spec cnAndOtherSan = cnOnly;
  cnAndOtherSan.xmppAddrs = {"b.test"};
  EXPECT_FALSE(check(cnAndOtherSan, "a.test").matchesDomain);
}

TEST_F(CertificateCheckTest, EmbeddedNulInANameMatchesNothing) {
  Spec spec;
  spec.dns = {std::string("a.test\0.evil.test", 17)};
  EXPECT_FALSE(check(spec, "a.test").matchesDomain);
  EXPECT_FALSE(check(spec, "a.test\0.evil.test").matchesDomain);
}

TEST_F(CertificateCheckTest, ExtendedKeyUsageIsNotRequired) {
  for (const char* eku : {"serverAuth", "clientAuth", "serverAuth,clientAuth", ""}) {
    Spec spec = server("a.test");
    spec.eku = eku;
    auto c = check(spec, "a.test");
    EXPECT_TRUE(c.chainValid) << "EKU '" << eku << "': " << c.problem;
  }
}

TEST_F(CertificateCheckTest, IntermediatesComeFromThePeerAndMustLeadToTheRoot) {
  Spec intermediateSpec;
  intermediateSpec.cn = "keyfed test intermediate";
  intermediateSpec.ca = true;
  auto intermediate = issue(intermediateSpec, &root_, now_);
  auto leaf = issue(server("a.test"), &intermediate, now_);
  EXPECT_TRUE(check({leaf.der(), intermediate.der()}, "a.test", now_).chainValid);
  auto missing = check({leaf.der()}, "a.test", now_);
  EXPECT_FALSE(missing.chainValid);
  EXPECT_EQ(missing.problem, "untrusted issuer");

  // A bundle holding only the intermediate does not make it a trust anchor
  // (X509_V_FLAG_PARTIAL_CHAIN stays off).
  auto partial = CertificateVerifier::create(writePem(intermediate, "intermediate.pem"));
  ASSERT_TRUE(partial);
  EXPECT_FALSE((*partial)->check({leaf.der(), intermediate.der()}, "a.test", now_).chainValid);

  // A certificate that is not a CA cannot issue.
  auto notCa = issue(server("b.test"), &root_, now_);
  auto underNotCa = issue(server("a.test"), &notCa, now_);
  EXPECT_FALSE(check({underNotCa.der(), notCa.der()}, "a.test", now_).chainValid);
}

TEST_F(CertificateCheckTest, SpkiDigestIsSha256OfTheSubjectPublicKeyInfo) {
  auto leaf = issue(server("a.test"), &root_, now_);
  unsigned char* spki = nullptr;
  const int length = i2d_PUBKEY(leaf.key.get(), &spki);
  ASSERT_GT(length, 0);
  unsigned char digest[32];
  unsigned int digestLength = 0;
  EVP_Digest(spki, static_cast<std::size_t>(length), digest, &digestLength, EVP_sha256(), nullptr);
  OPENSSL_free(spki);
  char hex[65];
  for (int i = 0; i < 32; ++i)
    snprintf(hex + static_cast<std::ptrdiff_t>(2 * i), 3, "%02x", digest[i]);
  EXPECT_EQ(check({leaf.der()}, "a.test", now_).spkiSha256, std::string(hex, 64));
  // The pin follows the key, not the certificate.
  auto other = issue(server("a.test"), &root_, now_);
  EXPECT_NE(check({other.der()}, "a.test", now_).spkiSha256, std::string(hex, 64));
}

TEST_F(CertificateCheckTest, MissingOrGarbageCertificatesAreReportedNotFatal) {
  auto none = check(std::vector<std::string>{}, "a.test", now_);
  EXPECT_FALSE(none.presented);
  EXPECT_FALSE(none.chainValid);
  EXPECT_EQ(none.problem, "no certificate");

  auto garbage = check({std::string("\x30\x82\xff\xff garbage", 12)}, "a.test", now_);
  EXPECT_TRUE(garbage.presented);
  EXPECT_FALSE(garbage.chainValid);
  EXPECT_FALSE(garbage.matchesDomain);
  EXPECT_EQ(garbage.problem, "unreadable certificate");

  auto leaf = issue(server("a.test"), &root_, now_);
  auto trailing = check({leaf.der() + "x"}, "a.test", now_);
  EXPECT_EQ(trailing.problem, "unreadable certificate");
  auto badIntermediate = check({leaf.der(), "junk"}, "a.test", now_);
  EXPECT_FALSE(badIntermediate.chainValid);
  EXPECT_TRUE(badIntermediate.matchesDomain);

  std::vector<std::string> tooLong(11, leaf.der());
  auto longChain = check(tooLong, "a.test", now_);
  EXPECT_FALSE(longChain.chainValid);
}

TEST_F(CertificateCheckTest, CaFileMustExistAndHoldCertificates) {
  auto missing = CertificateVerifier::create((dir_ / "nope.pem").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "tls.ca");
  const auto empty = dir_ / "empty.pem";
  FILE* f = fopen(empty.c_str(), "w");
  fputs("not a certificate\n", f);
  fclose(f);
  auto noCerts = CertificateVerifier::create(empty.string());
  ASSERT_FALSE(noCerts);
  EXPECT_EQ(noCerts.error().code, "tls.ca");
}

}  // namespace
}  // namespace keyfed::net
