#pragma once
// A TLS client on a plain blocking socket, driven by OpenSSL directly and meant
// to run on its own thread while the test thread drives the event loop. Unlike
// a ByteStream it can hold back its reads, send raw bytes, shrink its receive
// window, and tell how the server closed (close_notify or not).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace keyfed::net::test_support {

class BlockingTlsClient {
 public:
  // receiveBuffer > 0 sets SO_RCVBUF before connecting (a small window makes
  // the server's writes block).
  explicit BlockingTlsClient(std::uint16_t port, int receiveBuffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    // Never block forever: a test that failed must still end its thread.
    const timeval limit{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (receiveBuffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ctx_ = SSL_CTX_new(TLS_client_method());
  }
  ~BlockingTlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  BlockingTlsClient(const BlockingTlsClient&) = delete;
  BlockingTlsClient& operator=(const BlockingTlsClient&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }

  // Bytes straight onto the socket (no TLS), then optionally closes it.
  bool sendRaw(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  void closeSocket() {
    ::close(fd_);
    fd_ = -1;
  }

  // maxVersion: 0 for OpenSSL's newest, or TLS1_2_VERSION.
  bool handshake(int maxVersion = 0) {
    if (maxVersion != 0) SSL_CTX_set_max_proto_version(ctx_, maxVersion);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    return SSL_connect(ssl_) == 1;
  }
  bool write(std::string_view bytes) {
    std::size_t n = 0;
    return SSL_write_ex(ssl_, bytes.data(), bytes.size(), &n) == 1 && n == bytes.size();
  }
  // Asks the server to update its keys too (TLS 1.3): its next read must write.
  bool requestKeyUpdate() { return SSL_key_update(ssl_, SSL_KEY_UPDATE_REQUESTED) == 1; }

  // Reads until `size` bytes arrived, or the connection ended.
  std::string read(std::size_t size) {
    std::string out;
    char buf[16384];
    while (out.size() < size) {
      std::size_t n = 0;
      if (SSL_read_ex(ssl_, buf, sizeof buf, &n) != 1) break;
      out.append(buf, n);
    }
    return out;
  }
  // Reads until the connection ends; true when it ended with close_notify.
  bool readToEnd(std::string& out) {
    char buf[16384];
    for (;;) {
      std::size_t n = 0;
      if (SSL_read_ex(ssl_, buf, sizeof buf, &n) != 1) break;
      out.append(buf, n);
    }
    return (SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) != 0;
  }
  // Our close_notify back, as a polite peer does.
  void shutdown() { SSL_shutdown(ssl_); }

 private:
  int fd_ = -1;
  bool connected_ = false;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

}  // namespace keyfed::net::test_support
