#include "tls_connection.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace keyfed::net {

namespace {

using SocketState = TlsConnection::SocketState;

bool wouldBlock(int err) {
  return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

// The BIO: recv()/send() on the descriptor, nothing buffered. send() with
// MSG_NOSIGNAL so that a peer gone away is an error value, not SIGPIPE (the
// socket BIO of SSL_set_fd uses write()).
int bioRead(BIO* bio, char* buffer, std::size_t size, std::size_t* done) {
  auto* state = static_cast<SocketState*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::recv(state->fd, buffer, size, 0);
  if (n > 0) {
    *done = static_cast<std::size_t>(n);
    return 1;
  }
  *done = 0;
  if (n == 0) {
    state->eof = true;
  } else if (wouldBlock(errno)) {
    BIO_set_retry_read(bio);
  } else {
    state->lastErrno = errno;
  }
  return 0;
}

int bioWrite(BIO* bio, const char* data, std::size_t size, std::size_t* done) {
  auto* state = static_cast<SocketState*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::send(state->fd, data, size, MSG_NOSIGNAL);
  if (n >= 0) {
    *done = static_cast<std::size_t>(n);
    return 1;
  }
  *done = 0;
  if (wouldBlock(errno)) {
    BIO_set_retry_write(bio);
  } else {
    state->lastErrno = errno;
  }
  return 0;
}

long bioCtrl(BIO* bio, int command, long /*num*/, void* /*ptr*/) {
  switch (command) {
    case BIO_CTRL_FLUSH: return 1;  // nothing is buffered
    case BIO_CTRL_EOF: return static_cast<SocketState*>(BIO_get_data(bio))->eof ? 1 : 0;
    default: return 0;
  }
}

int bioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

// Created once, lives as long as the process (OpenSSL keeps no reference
// count on methods).
const BIO_METHOD* socketBioMethod() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "keyfed-socket");
    if (m == nullptr) return m;
    BIO_meth_set_read_ex(m, &bioRead);
    BIO_meth_set_write_ex(m, &bioWrite);
    BIO_meth_set_ctrl(m, &bioCtrl);
    BIO_meth_set_create(m, &bioCreate);
    return m;
  }();
  return method;
}

}  // namespace

std::unique_ptr<TlsConnection> TlsConnection::create(SSL_CTX* context, int fd, bool isServer,
                                                     const std::string& serverName) {
  const BIO_METHOD* method = socketBioMethod();
  if (context == nullptr || method == nullptr) return nullptr;
  SSL* ssl = SSL_new(context);
  if (ssl == nullptr) return nullptr;
  std::unique_ptr<TlsConnection> connection(new TlsConnection(ssl, fd));
  BIO* bio = BIO_new(method);
  if (bio == nullptr) return nullptr;
  BIO_set_data(bio, &connection->socket_);
  SSL_set_bio(ssl, bio, bio);  // one reference, owned by ssl from now on
  // Partial writes and a moving buffer let the stream write straight from
  // the caller's bytes and queue only the rest. Release the record buffers
  // whenever they are empty: that is what keeps idle connections small.
  SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                        SSL_MODE_RELEASE_BUFFERS);
  if (isServer) {
    SSL_set_accept_state(ssl);
  } else {
    if (!serverName.empty() && SSL_set_tlsext_host_name(ssl, serverName.c_str()) != 1) {
      return nullptr;
    }
    SSL_set_connect_state(ssl);
  }
  return connection;
}

TlsConnection::TlsConnection(SSL* ssl, int fd) : ssl_(ssl) {
  socket_.fd = fd;
}

TlsConnection::~TlsConnection() {
  SSL_free(ssl_);
}

// OpenSSL's error queue is per thread and shared by every connection: clear
// it before each call so that a failure is judged by its own errors only.
TlsResult TlsConnection::handshake() {
  ERR_clear_error();
  const int ret = SSL_do_handshake(ssl_);
  if (ret == 1) return {};
  return classify(ret);
}

TlsResult TlsConnection::read(char* buffer, std::size_t size) {
  ERR_clear_error();
  std::size_t n = 0;
  if (SSL_read_ex(ssl_, buffer, size, &n) == 1) return {TlsStatus::ok, n};
  return classify(0);
}

TlsResult TlsConnection::write(const char* data, std::size_t size) {
  ERR_clear_error();
  std::size_t n = 0;
  if (SSL_write_ex(ssl_, data, size, &n) == 1) return {TlsStatus::ok, n};
  return classify(0);
}

TlsResult TlsConnection::shutdown() {
  ERR_clear_error();
  const int ret = SSL_shutdown(ssl_);
  if (ret >= 0) return {};  // 0: ours sent, 1: both sides done
  return classify(ret);
}

TlsResult TlsConnection::classify(int ret) {
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ: return {TlsStatus::wantRead, 0};
    case SSL_ERROR_WANT_WRITE: return {TlsStatus::wantWrite, 0};
    case SSL_ERROR_ZERO_RETURN: return {TlsStatus::closed, 0};
    default: break;
  }
  sslError_ = ERR_peek_error();
  ERR_clear_error();
  // A peer that just closes the socket (no close_notify, no TCP error) has
  // closed the connection; OpenSSL 3 calls that an "unexpected eof".
  if (socket_.eof && socket_.lastErrno == 0) {
    sslError_ = 0;
    return {TlsStatus::closed, 0};
  }
  return {TlsStatus::failed, 0};
}

std::string TlsConnection::error() const {
  if (socket_.lastErrno != 0) return std::strerror(socket_.lastErrno);
  if (sslError_ != 0) {
    char text[256];
    ERR_error_string_n(sslError_, text, sizeof text);
    return text;
  }
  if (socket_.eof) return "peer closed the connection";
  return "TLS error";
}

std::string TlsConnection::exporter() const {
  // RFC 9266: only safe with TLS 1.3 or the extended master secret.
  if (SSL_version(ssl_) < TLS1_3_VERSION && SSL_get_extms_support(ssl_) != 1) return {};
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  std::string out(32, '\0');
  if (SSL_export_keying_material(ssl_, reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                 kLabel, sizeof kLabel - 1, nullptr, 0, 0) != 1) {
    return {};
  }
  return out;
}

std::string TlsConnection::unique() const {
  // RFC 5929 3.1; undefined for TLS 1.3 (RFC 8446 C.5), and only sound with
  // the extended master secret (RFC 7627) against triple-handshake attacks.
  if (SSL_version(ssl_) != TLS1_2_VERSION || SSL_get_extms_support(ssl_) != 1) return {};
  // The first Finished message of the handshake: the client's on a full
  // handshake, the server's on a resumed one.
  const bool firstIsOurs = (SSL_is_server(ssl_) != 0) == (SSL_session_reused(ssl_) != 0);
  unsigned char buf[EVP_MAX_MD_SIZE];
  const std::size_t n = firstIsOurs ? SSL_get_finished(ssl_, buf, sizeof buf)
                                    : SSL_get_peer_finished(ssl_, buf, sizeof buf);
  if (n == 0 || n > sizeof buf) return {};
  return std::string(reinterpret_cast<const char*>(buf), n);
}

std::string TlsConnection::version() const {
  return SSL_get_version(ssl_);
}

std::string TlsConnection::sniName() const {
  const char* name = SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name);
  return name != nullptr ? name : "";
}

std::vector<std::string> TlsConnection::peerCertificateChain() const {
  std::vector<std::string> out;
  auto append = [&out](X509* cert) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert, &der);
    if (len > 0) out.emplace_back(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
  };
  // On the server side OpenSSL's chain leaves out the peer's own certificate:
  // put the leaf first, as on the client side.
  if (SSL_is_server(ssl_) != 0) {
    X509* leaf = SSL_get0_peer_certificate(ssl_);
    if (leaf == nullptr) return out;
    append(leaf);
  }
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl_);
  if (chain == nullptr) return out;
  for (int i = 0; i < sk_X509_num(chain); ++i) append(sk_X509_value(chain, i));
  return out;
}

}  // namespace keyfed::net
