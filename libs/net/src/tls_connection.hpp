#pragma once
// One TLS connection, OpenSSL driven directly on a non-blocking socket
// (internal to libs/net). It owns the SSL object and a minimal BIO that reads
// and writes the file descriptor with no buffer of its own, so that with
// SSL_MODE_RELEASE_BUFFERS an idle connection holds no record buffers at all
// (Asio's ssl::stream kept about 68 KiB per connection for its whole life).
//
// It never waits: each call says whether it needs the socket readable or
// writable before it can go on. Either direction may need the other: a read
// can have to answer a TLS 1.3 KeyUpdate, a write can have to read first.

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace keyfed::net {

enum class TlsStatus : unsigned char {
  ok,         // done; `bytes` were read or written
  wantRead,   // call again once the socket is readable
  wantWrite,  // call again once the socket is writable
  closed,     // the peer closed (close_notify or end of stream)
  failed,     // protocol or socket error; see error()
};

struct TlsResult {
  TlsStatus status = TlsStatus::ok;
  std::size_t bytes = 0;
};

class TlsConnection {
 public:
  // `context` is the SSL_CTX of a TlsServerContext or TlsClientContext; a
  // client sends `serverName` as SNI when it is not empty. nullptr when
  // OpenSSL cannot allocate the connection.
  static std::unique_ptr<TlsConnection> create(SSL_CTX* context, int fd, bool isServer,
                                               const std::string& serverName);
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  TlsResult handshake();
  TlsResult read(char* buffer, std::size_t size);
  // Partial writes are reported as ok with fewer bytes. After wantRead or
  // wantWrite, call again with at least the same bytes (the buffer may move).
  TlsResult write(const char* data, std::size_t size);
  // Sends close_notify; ok once it is on its way. Reading may go on afterwards
  // (to see the peer's close_notify) until read() reports closed.
  TlsResult shutdown();
  // Decrypted bytes OpenSSL holds that the socket will not signal again.
  [[nodiscard]] bool hasPendingPlaintext() const { return SSL_pending(ssl_) > 0; }
  // Why the last call failed or closed, for logs.
  [[nodiscard]] std::string error() const;

  // See ByteStream for what these mean.
  [[nodiscard]] std::string exporter() const;
  [[nodiscard]] std::string unique() const;
  [[nodiscard]] std::string version() const;
  [[nodiscard]] std::string sniName() const;
  [[nodiscard]] std::vector<std::string> peerCertificateChain() const;

  // What the BIO saw on the socket, so that errors name their cause.
  struct SocketState {
    int fd = -1;
    int lastErrno = 0;
    bool eof = false;
  };

 private:
  TlsConnection(SSL* ssl, int fd);
  TlsResult classify(int ret);

  SSL* ssl_;
  SocketState socket_;
  unsigned long sslError_ = 0;  // first OpenSSL error code of the last failure
};

}  // namespace keyfed::net
