// Cross-implementation evidence: vectors made by the openssl command-line
// tool alone (vectors/make-vectors.sh, vectors/README.md), checked against
// our signed bytes, verification and (for deterministic schemes) signing; and
// the other direction, our signatures checked by the openssl CLI.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "keynote/keys.hpp"

#ifndef KEYNOTE_CRYPTO_VECTORS_DIR
#error "KEYNOTE_CRYPTO_VECTORS_DIR must name libs/keynote/tests/crypto/vectors"
#endif

namespace keynote {
namespace {

std::string vectorPath(const std::string& name) {
  return std::string(KEYNOTE_CRYPTO_VECTORS_DIR) + "/" + name;
}

std::string readVector(const std::string& name) {
  std::ifstream in(vectorPath(name), std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing vector " << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The Authorizer value of a vector assertion (a plain quoted key).
std::string authorizerOf(const std::string& assertion) {
  const std::string tag = "Authorizer: \"";
  const std::size_t b = assertion.find(tag) + tag.size();
  return assertion.substr(b, assertion.find('"', b) - b);
}

std::string encodeAs(const std::string& algorithm, const std::string& bytes) {
  return algorithm.find("-hex:") != std::string::npos ? encodeHex(bytes) : encodeBase64(bytes);
}

struct Vector {
  const char* family;     // assertion-<family>.txt
  const char* keyPrefix;  // how the vector's key file is written as a principal
  const char* keyFile;
  const char* algorithm;  // signature algorithm; <algorithm>.bin holds the signature
  const char* privatePrefix;
  const char* privateFile;
  bool deterministic;  // our signature must equal openssl's byte for byte
};

const Vector kVectors[] = {
    {"rsa", "rsa-hex:", "rsa-public.der",
     "sig-rsa-sha1-hex:", "private-rsa-hex:", "rsa-private.der", true},
    {"rsa", "rsa-hex:", "rsa-public.der",
     "sig-rsa-md5-base64:", "private-rsa-base64:", "rsa-private.der", true},
    {"rsa", "rsa-hex:", "rsa-public.der",
     "sig-rsa-sha256-hex:", "private-rsa-hex:", "rsa-private.der", true},
    {"x509", "x509-hex:", "rsa-cert.der",
     "sig-x509-sha1-hex:", "private-x509-hex:", "rsa-private.der", true},
    {"x509", "x509-hex:", "rsa-cert.der",
     "sig-x509-sha256-base64:", "private-rsa-hex:", "rsa-private.der", true},
    {"dsa", "dsa-hex:", "dsa-public.der",
     "sig-dsa-sha1-hex:", "private-dsa-hex:", "dsa-private.der", false},
    {"ed25519", "ed25519-hex:", "ed25519-public.raw",
     "sig-ed25519-sha512-base64:", "private-ed25519-hex:", "ed25519-private.raw", true},
    {"p256", "ecdsa-p256-hex:", "p256-spki.der",
     "sig-ecdsa-p256-sha256-hex:", "private-ecdsa-p256-base64:", "p256-private.der", false},
};

class OpensslVectors : public ::testing::TestWithParam<Vector> {};

TEST_P(OpensslVectors, SignedBytesSignatureAndKeyAgree) {
  const Vector& v = GetParam();
  const std::string assertion = readVector(std::string("assertion-") + v.family + ".txt");
  const std::string algorithm = v.algorithm;
  const std::string name = algorithm.substr(0, algorithm.size() - 1);
  const std::string expectedBytes = readVector("signed-" + name + ".bin");
  const std::string signature = algorithm + encodeAs(algorithm, readVector(name + ".bin"));

  // Our signed bytes are exactly what the vector script signed.
  auto bytes = signedBytesOf(assertion, algorithm);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  EXPECT_EQ(*bytes, expectedBytes);

  // The key as the script wrote it is the assertion's authorizer.
  const std::string authorizer = authorizerOf(assertion);
  EXPECT_EQ(authorizer, v.keyPrefix + encodeHex(readVector(v.keyFile)));
  EXPECT_EQ(verifySignature(*bytes, authorizer, signature), SignatureCheck::Verified);

  // Written in base64, the key is the same principal and still verifies.
  std::string family(v.keyPrefix);
  family = family.substr(0, family.rfind('-'));
  auto base64Key = reencodeKey(authorizer, family + "-base64:");
  ASSERT_TRUE(base64Key);
  EXPECT_EQ(verifySignature(*bytes, *base64Key, signature), SignatureCheck::Verified);

  // The private key files openssl wrote decode as keynote private keys; the
  // signature we make verifies, and is openssl's own where the scheme is
  // deterministic (PKCS#1 v1.5, Ed25519).
  const std::string privateKey =
      v.privatePrefix + encodeAs(v.privatePrefix, readVector(v.privateFile));
  auto ours = signAssertion(assertion, algorithm, privateKey);
  ASSERT_TRUE(ours) << ours.error().describe();
  EXPECT_EQ(verifySignature(*bytes, authorizer, *ours), SignatureCheck::Verified);
  if (v.deterministic) {
    EXPECT_EQ(*ours, signature);
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, OpensslVectors, ::testing::ValuesIn(kVectors),
                         [](const ::testing::TestParamInfo<Vector>& info) {
                           std::string n = info.param.algorithm;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(OpensslVectors, X509Sha1AcceptsTheStandardDigestInfoToo) {
  const std::string assertion = readVector("assertion-x509.txt");
  const std::string bytes = signedBytesOf(assertion, "sig-x509-sha1-hex:").value();
  const std::string standard =
      "sig-x509-sha1-hex:" + encodeHex(readVector("sig-x509-sha1-hex.std.bin"));
  EXPECT_EQ(verifySignature(bytes, authorizerOf(assertion), standard), SignatureCheck::Verified);
  // ...but not as a sig-rsa-sha1 signature, whose payload has no DigestInfo.
  const std::string asRsa =
      "sig-rsa-sha1-hex:" + encodeHex(readVector("sig-x509-sha1-hex.std.bin"));
  EXPECT_EQ(verifySignature(bytes, authorizerOf(assertion), asRsa), SignatureCheck::BadSignature);
}

TEST(OpensslVectors, X509SigningTakesAPemPrivateKeyLikeTheClassicTool) {
  const std::string assertion = readVector("assertion-x509.txt");
  auto sig = signAssertion(assertion, "sig-x509-sha1-hex:", readVector("rsa-private.pem"));
  ASSERT_TRUE(sig) << sig.error().describe();
  EXPECT_EQ(*sig, "sig-x509-sha1-hex:" + encodeHex(readVector("sig-x509-sha1-hex.bin")));
}

TEST(OpensslVectors, KeysOfOtherCurvesAreRefused) {
  const std::string p384 = "ecdsa-p256-hex:" + encodeHex(readVector("p384-spki.der"));
  EXPECT_EQ(classifyPrincipal(p384), PrincipalKind::MalformedKey);
  EXPECT_EQ(canonicalKeyOf(p384).error().code, "bad-key");
}

TEST(OpensslVectors, CanonicalIdentitiesAreStable) {
  // The canonical identity of an RSA key is its DER RSAPublicKey in hex, as
  // the classic encoding writes it.
  const std::string der = readVector("rsa-public.der");
  EXPECT_EQ(canonicalKeyOf("rsa-base64:" + encodeBase64(der)).value(), "rsa:" + encodeHex(der));
  const std::string ed = readVector("ed25519-public.raw");
  EXPECT_EQ(canonicalKeyOf("ed25519-base64:" + encodeBase64(ed)).value(),
            "ed25519:" + encodeHex(ed));
}

// ---- our signatures, checked by the openssl CLI --------------------------

bool haveOpenssl() {
  return std::system("openssl version >/dev/null 2>&1") == 0;
}

std::string writeTemp(const std::string& bytes) {
  char name[] = "/tmp/keynote-vector-XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  if (fd >= 0) {
    EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    close(fd);
  }
  return name;
}

int runOpenssl(const std::string& args) {
  const std::string command = "openssl " + args + " >/dev/null 2>&1";
  return std::system(command.c_str());
}

TEST(OpensslCli, VerifiesOurRandomisedAndEd25519Signatures) {
  if (!haveOpenssl()) GTEST_SKIP() << "openssl command not installed";
  struct Check {
    const char* family;
    const char* algorithm;
    const char* privateKey;
    const char* pem;
    const char* verifyArgs;  // before -signature/-in
  };
  const Check checks[] = {
      {"dsa", "sig-dsa-sha1-base64:", "private-dsa-hex:", "dsa-private.der", "dgst -sha1 -verify"},
      {"p256", "sig-ecdsa-p256-sha256-hex:", "private-ecdsa-p256-hex:", "p256-private.der",
       "dgst -sha256 -verify"},
      {"ed25519", "sig-ed25519-sha512-hex:", "private-ed25519-hex:", "ed25519-private.raw",
       "pkeyutl -verify -rawin -pubin -inkey"},
  };
  const char* spki[] = {"dsa-spki.pem", "p256-spki.pem", "ed25519-spki.pem"};
  int i = 0;
  for (const auto& c : checks) {
    SCOPED_TRACE(c.algorithm);
    const std::string assertion = readVector(std::string("assertion-") + c.family + ".txt");
    const std::string privateKey = c.privateKey + encodeHex(readVector(c.pem));
    auto sig = signAssertion(assertion, c.algorithm, privateKey);
    ASSERT_TRUE(sig) << sig.error().describe();
    const std::string bits = sig->substr(sig->find(':') + 1);
    const std::string raw = std::string(c.algorithm).find("-hex:") != std::string::npos
                                ? decodeHex(bits).value()
                                : decodeBase64(bits).value();
    const std::string sigFile = writeTemp(raw);
    const std::string dataFile = writeTemp(signedBytesOf(assertion, c.algorithm).value());
    const std::string key = vectorPath(spki[i++]);
    // dgst takes "-signature SIG DATA", pkeyutl "-sigfile SIG -in DATA".
    const bool dgst = std::string(c.verifyArgs).rfind("dgst", 0) == 0;
    auto command = [&](const std::string& data) {
      std::string out = c.verifyArgs;
      out += " ";
      out += key;
      out += dgst ? " -signature " : " -sigfile ";
      out += sigFile;
      out += dgst ? " " : " -in ";
      out += data;
      return out;
    };
    const std::string args = command(dataFile);
    EXPECT_EQ(runOpenssl(args), 0) << "openssl " << args;
    // And a signature over other bytes is rejected by openssl too.
    const std::string otherData = writeTemp("other bytes");
    const std::string bad = command(otherData);
    EXPECT_NE(runOpenssl(bad), 0);
    std::remove(sigFile.c_str());
    std::remove(dataFile.c_str());
    std::remove(otherData.c_str());
  }
}

}  // namespace
}  // namespace keynote
