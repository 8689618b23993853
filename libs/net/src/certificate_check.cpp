#include "keyfed/net/certificate_check.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "certificate_identity.hpp"
#include "keyfed/base/hex.hpp"

namespace keyfed::net {

namespace {

// A TLS peer sends a handful of certificates of a few KiB each; these bound
// what a hostile one makes us parse.
constexpr std::size_t kMaxChainLength = 10;
constexpr std::size_t kMaxCertificateBytes = std::size_t{64} * 1024;

std::string opensslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
struct StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};

X509Ptr parseDer(const std::string& der) {
  if (der.empty() || der.size() > kMaxCertificateBytes) return nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const auto* end = p + der.size();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != end) return nullptr;  // trailing bytes: not one certificate
  return cert;
}

std::string spkiSha256(X509* cert) {
  // The whole DER SubjectPublicKeyInfo (as in pins, RFC 7469 / DANE
  // SPKI), not just the key bits that X509_pubkey_digest() hashes.
  unsigned char* der = nullptr;
  const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (length <= 0) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digestLength = 0;
  const int ok = EVP_Digest(der, static_cast<std::size_t>(length), digest, &digestLength,
                            EVP_sha256(), nullptr);
  OPENSSL_free(der);
  if (ok != 1) return {};
  return base::toHex(digest, digestLength);
}

std::string describeVerifyError(int error) {
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED: return "expired";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "not yet valid";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "self-signed";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "untrusted issuer";
    default: return std::string("chain: ") + X509_verify_cert_error_string(error);
  }
}

class OpensslCertificateVerifier final : public CertificateVerifier {
 public:
  explicit OpensslCertificateVerifier(X509_STORE* store) : store_(store) {}

  CertificateCheck check(const std::vector<std::string>& chain, std::string_view domain,
                         std::chrono::system_clock::time_point now) const override {
    CertificateCheck out;
    if (chain.empty()) {
      out.problem = "no certificate";
      return out;
    }
    out.presented = true;
    X509Ptr leaf = parseDer(chain.front());
    if (!leaf) {
      out.problem = "unreadable certificate";
      return out;
    }
    out.spkiSha256 = spkiSha256(leaf.get());
    const std::time_t at = std::chrono::system_clock::to_time_t(now);
    std::time_t when = at;
    out.expired = X509_cmp_time(X509_get0_notAfter(leaf.get()), &when) < 0;
    out.matchesDomain = certificateNamesDomain(leaf.get(), domain);

    std::string chainProblem;
    if (chain.size() > kMaxChainLength) {
      chainProblem = "chain longer than " + std::to_string(kMaxChainLength);
    } else {
      chainProblem = verifyChain(leaf.get(), chain, at, out.expired);
    }
    out.chainValid = chainProblem.empty();
    if (!out.chainValid)
      out.problem = chainProblem;
    else if (!out.matchesDomain)
      out.problem = "name mismatch";
    return out;
  }

 private:
  // Empty when the chain leads to a configured trust anchor at time `at`.
  std::string verifyChain(X509* leaf, const std::vector<std::string>& chain, std::time_t at,
                          bool& expired) const {
    std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
    if (!untrusted) return "out of memory";
    for (std::size_t i = 1; i < chain.size(); ++i) {
      X509Ptr cert = parseDer(chain[i]);
      if (!cert) return "unreadable certificate in chain";
      X509* raw = cert.release();
      if (sk_X509_push(untrusted.get(), raw) <= 0) {
        X509_free(raw);
        return "out of memory";
      }
    }
    std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), leaf, untrusted.get()) != 1) {
      return "verifier: " + opensslError();
    }
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, at);
    // The chain must end at a root we were configured with, not at any
    // intermediate that happens to be in the bundle.
    X509_VERIFY_PARAM_clear_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    // Any purpose: no extended key usage is required of the leaf. Server
    // certificates from public CAs no longer carry clientAuth (the
    // ejabberd #4392 breakage), and a peer that only has serverAuth is still
    // the peer. Intermediates must still be CAs (checked regardless of purpose).
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_ANY);
    if (X509_verify_cert(ctx.get()) == 1) return {};
    const int error = X509_STORE_CTX_get_error(ctx.get());
    if (error == X509_V_ERR_CERT_HAS_EXPIRED) expired = true;
    ERR_clear_error();
    return describeVerifyError(error);
  }

  std::unique_ptr<X509_STORE, StoreFree> store_;
};

}  // namespace

base::Result<std::unique_ptr<CertificateVerifier>> CertificateVerifier::create(
    const std::string& caFile) {
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  if (!store) return base::fail("tls.ca", "cannot create a certificate store: " + opensslError());
  const int loaded = caFile.empty() ? X509_STORE_set_default_paths(store.get())
                                    : X509_STORE_load_file(store.get(), caFile.c_str());
  if (loaded != 1) {
    return base::fail("tls.ca", "cannot load CA certificates: " + opensslError(), caFile);
  }
  return std::unique_ptr<CertificateVerifier>(
      std::make_unique<OpensslCertificateVerifier>(store.release()));
}

}  // namespace keyfed::net
