#include "tcp_stream.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <type_traits>

#include "keyfed/net/tls.hpp"

namespace keyfed::net {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Enough for a typical stanza in one read; large stanzas take several reads.
constexpr std::size_t kReadBufferSize = 4096;
constexpr auto kTlsShutdownGrace = std::chrono::seconds(2);

std::string endpointAddress(const asio::ip::tcp::endpoint& ep) {
  return ep.address().to_string();
}
// The peer of an accepted Unix-domain connection is unnamed: "unix".
std::string endpointAddress(const asio::local::stream_protocol::endpoint& ep) {
  std::string path = ep.path();
  return path.empty() ? "unix" : path;
}
}  // namespace

template <class Protocol>
StreamCore<Protocol>::StreamCore(Socket socket)
    : plain_(std::move(socket)), shutdownTimer_(plain_.get_executor()) {
  error_code ec;
  auto remote = plain_.remote_endpoint(ec);
  if (!ec) remote_ = endpointAddress(remote);
  auto local = plain_.local_endpoint(ec);
  if (!ec) local_ = endpointAddress(local);
  if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
    plain_.set_option(asio::ip::tcp::no_delay(true), ec);
  }
}

template <class Protocol>
typename StreamCore<Protocol>::Socket& StreamCore<Protocol>::socket() {
  return tls_ ? tls_->next_layer() : plain_;
}

template <class Protocol>
void StreamCore<Protocol>::start(ByteStreamHandler* handler,
                                 std::shared_ptr<TlsServerContext> directTls) {
  handler_ = handler;
  if (directTls) {
    serverCtx_ = std::move(directTls);
    pendingTls_ = TlsRole::server;
    handshake();
    return;
  }
  readMore();
}

template <class Protocol>
void StreamCore<Protocol>::readMore() {
  if (closed_ || reading_ || pendingTls_ != TlsRole::none || handshaking_) return;
  if (!readBuffer_) readBuffer_ = std::make_unique<char[]>(kReadBufferSize);
  reading_ = true;
  auto self = this->shared_from_this();
  auto buffer = asio::buffer(readBuffer_.get(), kReadBufferSize);
  auto done = [self](const error_code& ec, std::size_t n) { self->onRead(ec, n); };
  if (tls_) {
    tls_->async_read_some(buffer, std::move(done));
  } else {
    plain_.async_read_some(buffer, std::move(done));
  }
}

template <class Protocol>
void StreamCore<Protocol>::onRead(const error_code& ec, std::size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec == asio::error::operation_aborted && pendingTls_ != TlsRole::none) {
    maybeHandshake();  // the read was cancelled to make way for the handshake
    return;
  }
  if (ec) {
    finish(ec == asio::error::eof ? "peer closed the connection" : ec.message());
    return;
  }
  stats_.bytesIn += n;
  if (handler_ != nullptr) handler_->onBytes(std::string_view(readBuffer_.get(), n));
  if (closed_) return;
  maybeHandshake();
  if (!closing_) readMore();
}

template <class Protocol>
void StreamCore<Protocol>::send(std::string_view bytes) {
  if (closed_ || closing_) return;
  outQueue_.append(bytes);
  flush();
}

template <class Protocol>
void StreamCore<Protocol>::flush() {
  if (writing_ || handshaking_ || closed_ || outQueue_.empty()) return;
  writing_ = true;
  outFlight_.clear();
  outFlight_.swap(outQueue_);
  auto self = this->shared_from_this();
  auto done = [self](const error_code& ec, std::size_t n) {
    self->writing_ = false;
    if (self->closed_) return;
    if (ec) {
      self->finish("write failed: " + ec.message());
      return;
    }
    self->stats_.bytesOut += n;
    if (!self->outQueue_.empty()) {
      self->flush();
    } else if (self->closing_) {
      self->shutdown();
    } else {
      self->maybeHandshake();
    }
  };
  if (tls_) {
    asio::async_write(*tls_, asio::buffer(outFlight_), std::move(done));
  } else {
    asio::async_write(plain_, asio::buffer(outFlight_), std::move(done));
  }
}

template <class Protocol>
void StreamCore<Protocol>::startTls(std::shared_ptr<TlsServerContext> context) {
  if (tls_ || closed_) return;
  serverCtx_ = std::move(context);
  pendingTls_ = TlsRole::server;
  maybeHandshake();
}

template <class Protocol>
void StreamCore<Protocol>::startTlsClient(std::shared_ptr<TlsClientContext> context,
                                          std::string serverName) {
  if (tls_ || closed_) return;
  clientCtx_ = std::move(context);
  serverName_ = std::move(serverName);
  pendingTls_ = TlsRole::client;
  maybeHandshake();
}

// The handshake starts once the plaintext reply (<proceed/>) is on the wire and
// no read is outstanding on the plain socket.
template <class Protocol>
void StreamCore<Protocol>::maybeHandshake() {
  if (pendingTls_ == TlsRole::none || handshaking_ || writing_ || closed_) return;
  if (reading_) {
    // A client starting TLS outside a read callback (direct TLS): the pending
    // plaintext read must go first; its cancellation brings us back here.
    error_code ec;
    plain_.cancel(ec);
    return;
  }
  if (!outQueue_.empty()) {
    flush();
    return;
  }
  handshake();
}

template <class Protocol>
void StreamCore<Protocol>::handshake() {
  auto* ctx = static_cast<asio::ssl::context*>(
      pendingTls_ == TlsRole::server ? serverCtx_->nativeHandle() : clientCtx_->nativeHandle());
  tls_ = std::make_unique<TlsStream>(std::move(plain_), *ctx);
  const bool isServer = pendingTls_ == TlsRole::server;
  if (!isServer && !serverName_.empty()) {
    SSL_set_tlsext_host_name(tls_->native_handle(), serverName_.c_str());
  }
  handshaking_ = true;
  auto self = this->shared_from_this();
  tls_->async_handshake(isServer ? TlsStream::server : TlsStream::client,
                        [self](const error_code& ec) {
                          self->handshaking_ = false;
                          self->pendingTls_ = TlsRole::none;
                          if (self->closed_) return;
                          if (ec) {
                            self->finish("TLS handshake failed: " + ec.message());
                            return;
                          }
                          self->tlsUp_ = true;
                          if (self->handler_ != nullptr) self->handler_->onTlsEstablished();
                          if (self->closed_) return;
                          self->flush();
                          self->readMore();
                        });
}

template <class Protocol>
void StreamCore<Protocol>::close() {
  if (closed_ || closing_) return;
  closing_ = true;
  if (!writing_ && !handshaking_) shutdown();
}

template <class Protocol>
void StreamCore<Protocol>::shutdown() {
  if (closed_) return;
  if (!tls_ || !tlsUp_) {
    error_code ec;
    socket().shutdown(Socket::shutdown_both, ec);
    finish("closed");
    return;
  }
  // Send close_notify; don't wait for the peer's longer than a grace period.
  auto self = this->shared_from_this();
  shutdownTimer_.expires_after(kTlsShutdownGrace);
  shutdownTimer_.async_wait([self](const error_code& ec) {
    if (!ec) self->finish("closed (TLS shutdown timed out)");
  });
  tls_->async_shutdown([self](const error_code&) { self->finish("closed"); });
}

template <class Protocol>
void StreamCore<Protocol>::abort(std::string_view reason) {
  finish(reason);
}

template <class Protocol>
void StreamCore<Protocol>::detach() {
  handler_ = nullptr;
  finish("detached");
}

template <class Protocol>
void StreamCore<Protocol>::finish(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  shutdownTimer_.cancel();
  error_code ec;
  socket().close(ec);
  outQueue_.clear();
  auto* handler = handler_;
  handler_ = nullptr;
  if (handler != nullptr) handler->onClosed(reason);
}

template <class Protocol>
std::string StreamCore<Protocol>::tlsExporter() const {
  if (!tls_ || !tlsUp_) return {};
  SSL* ssl = tls_->native_handle();
  // RFC 9266: only safe with TLS 1.3 or the extended master secret.
  if (SSL_version(ssl) < TLS1_3_VERSION && SSL_get_extms_support(ssl) != 1) return {};
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  std::string out(32, '\0');
  if (SSL_export_keying_material(ssl, reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                 kLabel, sizeof kLabel - 1, nullptr, 0, 0) != 1) {
    return {};
  }
  return out;
}

template <class Protocol>
std::string StreamCore<Protocol>::tlsUnique() const {
  if (!tls_ || !tlsUp_) return {};
  SSL* ssl = tls_->native_handle();
  // RFC 5929 3.1; undefined for TLS 1.3 (RFC 8446 C.5), and only sound with
  // the extended master secret (RFC 7627) against triple-handshake attacks.
  if (SSL_version(ssl) != TLS1_2_VERSION || SSL_get_extms_support(ssl) != 1) return {};
  // The first Finished message of the handshake: the client's on a full
  // handshake, the server's on a resumed one.
  const bool firstIsOurs = (SSL_is_server(ssl) != 0) == (SSL_session_reused(ssl) != 0);
  unsigned char buf[EVP_MAX_MD_SIZE];
  const std::size_t n = firstIsOurs ? SSL_get_finished(ssl, buf, sizeof buf)
                                    : SSL_get_peer_finished(ssl, buf, sizeof buf);
  if (n == 0 || n > sizeof buf) return {};
  return std::string(reinterpret_cast<const char*>(buf), n);
}

template <class Protocol>
std::string StreamCore<Protocol>::tlsVersion() const {
  if (!tls_ || !tlsUp_) return {};
  return SSL_get_version(tls_->native_handle());
}

template <class Protocol>
std::string StreamCore<Protocol>::sniName() const {
  if (!tls_) return {};
  const char* name = SSL_get_servername(tls_->native_handle(), TLSEXT_NAMETYPE_host_name);
  return name != nullptr ? name : "";
}

template <class Protocol>
std::vector<std::string> StreamCore<Protocol>::peerCertificateChain() const {
  std::vector<std::string> out;
  if (!tls_ || !tlsUp_) return out;
  auto append = [&out](X509* cert) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert, &der);
    if (len > 0) out.emplace_back(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
  };
  SSL* ssl = tls_->native_handle();
  // On the server side OpenSSL's chain leaves out the peer's own certificate:
  // put the leaf first, as on the client side.
  if (SSL_is_server(ssl) != 0) {
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (leaf == nullptr) return out;
    append(leaf);
  }
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  if (chain == nullptr) return out;
  for (int i = 0; i < sk_X509_num(chain); ++i) append(sk_X509_value(chain, i));
  return out;
}

template class StreamCore<asio::ip::tcp>;
template class StreamCore<asio::local::stream_protocol>;

}  // namespace keyfed::net
