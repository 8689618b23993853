#pragma once
// A TCP listener handing each accepted connection to a callback as a ByteStream.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "keyfed/base/result.hpp"
#include "keyfed/net/byte_stream.hpp"

namespace keyfed::net {

class EventLoop;

using AcceptHandler = std::function<void(std::unique_ptr<ByteStream>)>;

struct ListenOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the kernel picks one; see Listener::port()
  // Direct TLS (XEP-0368): the handshake runs before the stream is handed over,
  // and the handler gets onTlsEstablished() first.
  std::shared_ptr<TlsServerContext> directTls;
  int backlog = 1024;
};

class Listener {
 public:
  static base::Result<std::unique_ptr<Listener>> open(EventLoop& loop, const ListenOptions& options,
                                                      AcceptHandler onAccept);
  virtual ~Listener() = default;
  [[nodiscard]] virtual std::uint16_t port() const = 0;
  [[nodiscard]] virtual std::string address() const = 0;
  // Stops accepting; connections already handed over are not affected.
  virtual void close() = 0;
};

// Opens a client TCP connection (tests, load generator, s2s).
void connectTcp(EventLoop& loop, const std::string& address, std::uint16_t port,
                std::function<void(base::Result<std::unique_ptr<ByteStream>>)> onConnected);
// The same from `sourceAddress` (an IP literal, any port): a server with
// several addresses makes its peers see the one they know it by. A source of
// the other address family than `address` is not used; an empty one neither.
// A source that cannot be bound fails the connection (net.bind).
void connectTcp(EventLoop& loop, const std::string& address, std::uint16_t port,
                const std::string& sourceAddress,
                std::function<void(base::Result<std::unique_ptr<ByteStream>>)> onConnected);

}  // namespace keyfed::net
