#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cctype>
#include <map>
#include <string>

#include "keyfed/net/tls.hpp"

namespace keyfed::net {

namespace {

// Mozilla "intermediate" TLS 1.2 suites: forward secrecy and AEAD only.
constexpr const char* kModernCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string opensslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

int acceptAnyCertificate(int /*preverifyOk*/, X509_STORE_CTX* /*store*/) {
  return 1;
}

struct CtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxDeleter>;

base::Result<CtxPtr> makeContext(const TlsIdentity& id, const TlsSettings& settings) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return base::fail("tls.context", opensslError());
  const int minVersion = settings.minVersion == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  SSL_CTX_set_min_proto_version(ctx.get(), minVersion);
  // No renegotiation, no compression; prefer our order; free idle buffers
  // (an idle TLS connection would otherwise hold ~34 KB of record buffers).
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                     SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  // No TLS session resumption (decision D18): SSL_OP_NO_TICKET alone still
  // leaves TLS 1.3's stateful tickets, two sessions per login in the server's
  // cache (20,480 by default) and the connection's own session there too:
  // about 3 KiB per connection that no idle client ever uses.
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  const std::string ciphers = settings.ciphers.empty() ? kModernCiphers : settings.ciphers;
  if (SSL_CTX_set_cipher_list(ctx.get(), ciphers.c_str()) != 1) {
    return base::fail("tls.ciphers", "no usable cipher in '" + ciphers + "': " + opensslError());
  }
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), id.certificateFile.c_str()) != 1) {
    return base::fail("tls.certificate", "cannot load certificate chain: " + opensslError(),
                      id.certificateFile);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), id.keyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
    return base::fail("tls.key", "cannot load private key: " + opensslError(), id.keyFile);
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    return base::fail("tls.key", "private key does not match the certificate", id.keyFile);
  }
  if (settings.requestPeerCertificate) {
    // Request, never require, and accept whatever comes: the caller judges
    // the certificate afterwards. A session id context is needed once peer
    // certificates are requested, or OpenSSL refuses session resumption.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, &acceptAnyCertificate);
    static constexpr unsigned char kSessionContext[] = "keyfed-peer-cert";
    SSL_CTX_set_session_id_context(ctx.get(), kSessionContext, sizeof kSessionContext - 1);
  }
  return ctx;
}

}  // namespace

struct TlsServerContext::Impl {
  CtxPtr defaultCtx;  // every connection starts here; SNI may switch it
  std::map<std::string, CtxPtr, std::less<>> byDomain;

  // SNI: switch the connection to the virtual host's certificate.
  static int onServerName(SSL* ssl, int* /*alert*/, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (name == nullptr) return SSL_TLSEXT_ERR_NOACK;
    std::string lower(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = self->byDomain.find(lower);
    if (it != self->byDomain.end() && it->second.get() != SSL_get_SSL_CTX(ssl)) {
      SSL_set_SSL_CTX(ssl, it->second.get());
    }
    return SSL_TLSEXT_ERR_OK;
  }
};

base::Result<std::shared_ptr<TlsServerContext>> TlsServerContext::create(
    const std::vector<TlsIdentity>& identities, const TlsSettings& settings) {
  if (identities.empty()) return base::fail("tls.no-identity", "no certificate configured");
  if (settings.minVersion != "1.2" && settings.minVersion != "1.3") {
    return base::fail("tls.min-version", "min_version must be \"1.2\" or \"1.3\"");
  }
  auto impl = std::make_unique<Impl>();
  for (const auto& id : identities) {
    auto ctx = makeContext(id, settings);
    if (!ctx) return base::fail(std::move(ctx).error());
    if (!impl->defaultCtx) {
      // The default context answers first and is the first virtual host's
      // own context (one more reference), not a second copy: a client
      // asking for that host then stays on it, whereas switching contexts
      // (SSL_set_SSL_CTX) copies the certificate state into each connection.
      if (SSL_CTX_up_ref(ctx->get()) != 1) return base::fail("tls.context", opensslError());
      impl->defaultCtx.reset(ctx->get());
    }
    if (!id.domain.empty()) impl->byDomain.emplace(id.domain, std::move(*ctx));
  }
  SSL_CTX_set_tlsext_servername_callback(impl->defaultCtx.get(), &Impl::onServerName);
  SSL_CTX_set_tlsext_servername_arg(impl->defaultCtx.get(), impl.get());
  return std::shared_ptr<TlsServerContext>(new TlsServerContext(std::move(impl)));
}

TlsServerContext::TlsServerContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsServerContext::~TlsServerContext() = default;

void* TlsServerContext::nativeHandle() const {
  return impl_->defaultCtx.get();
}

struct TlsClientContext::Impl {
  CtxPtr ctx;
};

base::Result<std::shared_ptr<TlsClientContext>> TlsClientContext::create(
    const TlsClientSettings& settings) {
  CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return base::fail("tls.context", opensslError());
  SSL_CTX_set_min_proto_version(ctx.get(),
                                settings.minVersion == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  const int loaded = settings.caFile.empty() ? SSL_CTX_set_default_verify_paths(ctx.get())
                                             : SSL_CTX_load_verify_locations(
                                                   ctx.get(), settings.caFile.c_str(), nullptr);
  if (loaded != 1) {
    return base::fail("tls.ca", "cannot load CA certificates: " + opensslError(), settings.caFile);
  }
  SSL_CTX_set_verify(ctx.get(), settings.verifyPeer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  if (!settings.certificateFile.empty() || !settings.keyFile.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), settings.certificateFile.c_str()) != 1) {
      return base::fail("tls.certificate", "cannot load certificate chain: " + opensslError(),
                        settings.certificateFile);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), settings.keyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
      return base::fail("tls.key", "cannot load private key: " + opensslError(), settings.keyFile);
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1) {
      return base::fail("tls.key", "private key does not match the certificate", settings.keyFile);
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->ctx = std::move(ctx);
  return std::shared_ptr<TlsClientContext>(new TlsClientContext(std::move(impl)));
}

TlsClientContext::TlsClientContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClientContext::~TlsClientContext() = default;
void* TlsClientContext::nativeHandle() const {
  return impl_->ctx.get();
}

}  // namespace keyfed::net
