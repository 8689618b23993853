// The keynote(3) key, encoding and signature functions, used as a C program
// would: only keynote.h, with keys from the openssl-made vectors.

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "keynote/keynote.h"

#ifndef KEYNOTE_CRYPTO_VECTORS_DIR
#error "KEYNOTE_CRYPTO_VECTORS_DIR must name libs/keynote/tests/crypto/vectors"
#endif

namespace {

// Owns a malloc'ed C string.
struct CString {
  char* p = nullptr;
  CString() = default;
  explicit CString(char* s) : p(s) {}
  CString(const CString&) = delete;
  CString& operator=(const CString&) = delete;
  ~CString() { std::free(p); }
  [[nodiscard]] std::string str() const { return p == nullptr ? std::string() : std::string(p); }
};

std::string readVector(const std::string& name) {
  std::ifstream in(std::string(KEYNOTE_CRYPTO_VECTORS_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string hexOf(const std::string& bytes) {
  std::string copy = bytes;
  CString hex;
  EXPECT_EQ(kn_encode_hex(reinterpret_cast<unsigned char*>(copy.data()), &hex.p,
                          static_cast<int>(copy.size())),
            0);
  return hex.str();
}

std::string base64Of(const std::string& bytes) {
  std::string out(bytes.size() * 2 + 4, '\0');
  const int n = kn_encode_base64(reinterpret_cast<const unsigned char*>(bytes.data()),
                                 static_cast<unsigned>(bytes.size()), out.data(),
                                 static_cast<unsigned>(out.size()));
  EXPECT_GT(n, 0);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

TEST(CApiEncoding, Base64) {
  const unsigned char data[] = {'f', 'o', 'o', 'b'};
  char out[16];
  EXPECT_EQ(kn_encode_base64(data, 4, out, sizeof out), 8);
  EXPECT_STREQ(out, "Zm9vYg==");
  EXPECT_EQ(kn_encode_base64(data, 4, out, 8), -1);  // no room for the NUL
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);

  unsigned char back[8];
  EXPECT_EQ(kn_decode_base64("Zm9v\nYg==", back, sizeof back), 4);  // white space skipped
  EXPECT_EQ(std::memcmp(back, data, 4), 0);
  EXPECT_EQ(kn_decode_base64("Zm9vYg==", back, 2), -1);  // too small
  EXPECT_EQ(kn_decode_base64("Zm9vYg=", back, sizeof back), -1);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
  EXPECT_EQ(kn_decode_base64("Zm9vYg==", nullptr, 0), 4);  // size query
}

TEST(CApiEncoding, Hex) {
  unsigned char data[] = {0x00, 0xab, 0xff};
  CString hex;
  ASSERT_EQ(kn_encode_hex(data, &hex.p, 3), 0);
  EXPECT_EQ(hex.str(), "00abff");
  std::string text = "00ABff";
  CString bytes;
  ASSERT_EQ(kn_decode_hex(text.data(), &bytes.p), 0);
  EXPECT_EQ(std::memcmp(bytes.p, data, 3), 0);
  std::string odd = "abc";
  char* none = nullptr;
  EXPECT_EQ(kn_decode_hex(odd.data(), &none), -1);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
  std::string notHex = "zz";
  EXPECT_EQ(kn_decode_hex(notHex.data(), &none), -1);
  EXPECT_EQ(kn_encode_hex(data, nullptr, 3), -1);
}

TEST(CApiKeys, DecodeCompareEncodeAcrossEncodings) {
  const std::string der = readVector("rsa-public.der");
  std::string hex = "rsa-hex:" + hexOf(der);
  std::string b64 = "rsa-base64:" + base64Of(der);
  std::string cert = "x509-base64:" + base64Of(readVector("rsa-cert.der"));
  keynote_deckey a{};
  keynote_deckey b{};
  keynote_deckey x{};
  ASSERT_EQ(kn_decode_key(&a, hex.data(), KEYNOTE_PUBLIC_KEY), 0);
  ASSERT_EQ(kn_decode_key(&b, b64.data(), KEYNOTE_PUBLIC_KEY), 0);
  ASSERT_EQ(kn_decode_key(&x, cert.data(), KEYNOTE_PUBLIC_KEY), 0);
  EXPECT_EQ(a.dec_algorithm, KEYNOTE_ALGORITHM_RSA);
  EXPECT_EQ(x.dec_algorithm, KEYNOTE_ALGORITHM_X509);
  EXPECT_EQ(kn_keycompare(a.dec_key, b.dec_key, KEYNOTE_ALGORITHM_RSA), RESULT_TRUE);
  // A certificate is compared as the RSA key it holds, as the classic library does.
  EXPECT_EQ(kn_keycompare(a.dec_key, x.dec_key, KEYNOTE_ALGORITHM_X509), RESULT_TRUE);

  CString encoded(kn_encode_key(&b, INTERNAL_ENC_PKCS1, ENCODING_HEX, KEYNOTE_PUBLIC_KEY));
  EXPECT_EQ("rsa-hex:" + encoded.str(), hex);
  EXPECT_EQ(kn_encode_key(&b, INTERNAL_ENC_ASN1, ENCODING_HEX, KEYNOTE_PUBLIC_KEY), nullptr);
  EXPECT_EQ(keynote_errno, ERROR_NOTFOUND);

  // The private key decodes, compares equal to its public key and re-encodes.
  std::string priv = "private-rsa-hex:" + hexOf(readVector("rsa-private.der"));
  keynote_deckey p{};
  ASSERT_EQ(kn_decode_key(&p, priv.data(), KEYNOTE_PRIVATE_KEY), 0);
  EXPECT_EQ(kn_keycompare(a.dec_key, p.dec_key, KEYNOTE_ALGORITHM_RSA), RESULT_TRUE);
  CString privEncoded(kn_encode_key(&p, INTERNAL_ENC_PKCS1, ENCODING_HEX, KEYNOTE_PRIVATE_KEY));
  EXPECT_EQ("private-rsa-hex:" + privEncoded.str(), priv);
  CString pubOfPriv(kn_encode_key(&p, INTERNAL_ENC_PKCS1, ENCODING_BASE64, KEYNOTE_PUBLIC_KEY));
  EXPECT_EQ("rsa-base64:" + pubOfPriv.str(), b64);
  EXPECT_EQ(kn_encode_key(&a, INTERNAL_ENC_PKCS1, ENCODING_HEX, KEYNOTE_PRIVATE_KEY), nullptr);

  std::string dsa = "dsa-hex:" + hexOf(readVector("dsa-public.der"));
  keynote_deckey d{};
  ASSERT_EQ(kn_decode_key(&d, dsa.data(), KEYNOTE_PUBLIC_KEY), 0);
  EXPECT_EQ(d.dec_algorithm, KEYNOTE_ALGORITHM_DSA);
  EXPECT_EQ(kn_keycompare(a.dec_key, d.dec_key, KEYNOTE_ALGORITHM_RSA), RESULT_FALSE);
  CString dsaB64(kn_encode_key(&d, INTERNAL_ENC_ASN1, ENCODING_BASE64, KEYNOTE_PUBLIC_KEY));
  EXPECT_EQ(dsaB64.str(), base64Of(readVector("dsa-public.der")));

  for (keynote_deckey* k : {&a, &b, &x, &p, &d}) kn_free_key(k);
  EXPECT_EQ(a.dec_key, nullptr);
}

TEST(CApiKeys, OpaqueBinaryAndMalformed) {
  keynote_deckey d{};
  std::string alice = "alice";
  ASSERT_EQ(kn_decode_key(&d, alice.data(), KEYNOTE_PUBLIC_KEY), 0);
  EXPECT_EQ(d.dec_algorithm, KEYNOTE_ALGORITHM_NONE);
  EXPECT_STREQ(static_cast<char*>(d.dec_key), "alice");
  std::string alice2 = "alice";
  keynote_deckey d2{};
  ASSERT_EQ(kn_decode_key(&d2, alice2.data(), KEYNOTE_PUBLIC_KEY), 0);
  EXPECT_EQ(kn_keycompare(d.dec_key, d2.dec_key, KEYNOTE_ALGORITHM_NONE), RESULT_TRUE);
  kn_free_key(&d);
  kn_free_key(&d2);

  std::string bin = "binary-base64:Zm9v";
  ASSERT_EQ(kn_decode_key(&d, bin.data(), KEYNOTE_PUBLIC_KEY), 0);
  ASSERT_EQ(d.dec_algorithm, KEYNOTE_ALGORITHM_BINARY);
  const auto* bn = static_cast<keynote_binary*>(d.dec_key);
  EXPECT_EQ(std::string(bn->bn_key, static_cast<std::size_t>(bn->bn_len)), "foo");
  CString hex(kn_encode_key(&d, INTERNAL_ENC_NONE, ENCODING_HEX, KEYNOTE_PUBLIC_KEY));
  EXPECT_EQ(hex.str(), "666f6f");
  kn_free_key(&d);

  for (std::string bad : {"rsa-hex:zz", "dsa-base64:AAA", "ed25519-hex:00", "binary-hex:0"}) {
    EXPECT_EQ(kn_decode_key(&d, bad.data(), KEYNOTE_PUBLIC_KEY), -1) << bad;
    EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
  }
  std::string badPrivate = "private-rsa-hex:00";
  EXPECT_EQ(kn_decode_key(&d, badPrivate.data(), KEYNOTE_PRIVATE_KEY), -1);
  EXPECT_EQ(kn_decode_key(nullptr, alice.data(), KEYNOTE_PUBLIC_KEY), -1);
  EXPECT_EQ(kn_keycompare(nullptr, nullptr, KEYNOTE_ALGORITHM_RSA), RESULT_FALSE);
}

TEST(CApiStrings, GetStringUndoesQuoting) {
  std::string file = "            \"private-ed25519-hex:0123\\\n            4567\"\n";
  CString s(kn_get_string(file.data()));
  EXPECT_EQ(s.str(), "private-ed25519-hex:01234567");
  std::string escaped = "  \"a\\\"b\\n\"  ";
  CString t(kn_get_string(escaped.data()));
  EXPECT_EQ(t.str(), "a\"b\n");
  for (std::string bad : {"unquoted", "\"open", "\"a\" \"b\"", "\"a\\\""}) {
    EXPECT_EQ(kn_get_string(bad.data()), nullptr) << bad;
  }
}

TEST(CApiSignatures, SignAndVerifyAssertions) {
  std::string text = readVector("assertion-dsa.txt");
  std::string keyFile = "\"private-dsa-hex:" + hexOf(readVector("dsa-private.der")) + "\"\n";
  std::string algorithm = "sig-dsa-sha1-base64:";
  CString sig(kn_sign_assertion(text.data(), static_cast<int>(text.size()), keyFile.data(),
                                algorithm.data(), 1));
  ASSERT_NE(sig.p, nullptr) << keynote_errno;
  EXPECT_EQ(sig.str().rfind("sig-dsa-sha1-base64:", 0), 0U);
  std::string credential = text.substr(0, text.size() - 1) + " \"" + sig.str() + "\"\n";
  EXPECT_EQ(kn_verify_assertion(credential.data(), static_cast<int>(credential.size())),
            SIGRESULT_TRUE);
  credential.replace(credential.find("bob"), 3, "eve");
  EXPECT_EQ(kn_verify_assertion(credential.data(), static_cast<int>(credential.size())),
            SIGRESULT_FALSE);

  // The openssl-made RSA signature of the vectors verifies through the C API.
  std::string rsaText = readVector("assertion-rsa.txt");
  std::string rsaCredential = rsaText.substr(0, rsaText.size() - 1) +
                              " \"sig-rsa-sha1-hex:" + hexOf(readVector("sig-rsa-sha1-hex.bin")) +
                              "\"\n";
  EXPECT_EQ(kn_verify_assertion(rsaCredential.data(), static_cast<int>(rsaCredential.size())),
            SIGRESULT_TRUE);

  // The classic errors: missing colon, mismatched algorithm, missing input,
  // garbage assertion.
  std::string noColon = "sig-dsa-sha1-base64";
  EXPECT_EQ(kn_sign_assertion(text.data(), static_cast<int>(text.size()), keyFile.data(),
                              noColon.data(), 0),
            nullptr);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
  std::string rsaAlgorithm = "sig-rsa-sha1-hex:";
  EXPECT_EQ(kn_sign_assertion(text.data(), static_cast<int>(text.size()), keyFile.data(),
                              rsaAlgorithm.data(), 0),
            nullptr);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
  EXPECT_EQ(kn_sign_assertion(nullptr, 0, keyFile.data(), algorithm.data(), 0), nullptr);
  EXPECT_EQ(keynote_errno, ERROR_NOTFOUND);
  std::string junk = "this is not an assertion";
  EXPECT_EQ(kn_verify_assertion(junk.data(), static_cast<int>(junk.size())), -1);
  EXPECT_EQ(keynote_errno, ERROR_SYNTAX);
}

}  // namespace
