#pragma once
// A connected byte stream (TCP, optionally upgraded to TLS). It knows nothing
// about XML or XMPP: the session above feeds what it receives to its parser and
// hands it serialized bytes to send.
//
// All callbacks run on the event loop thread. A stream reports exactly one
// onClosed(), after which it delivers nothing more.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace keyfed::net {

class TlsServerContext;
class TlsClientContext;

class ByteStreamHandler {
 public:
  virtual ~ByteStreamHandler() = default;
  virtual void onBytes(std::string_view bytes) = 0;
  // TLS negotiated after startTls() (or at once for direct TLS listeners).
  virtual void onTlsEstablished() = 0;
  // The stream is gone (peer closed, error, close() finished). `reason` is for logs.
  virtual void onClosed(std::string_view reason) = 0;
};

struct StreamStats {
  std::size_t bytesIn = 0;
  std::size_t bytesOut = 0;
};

class ByteStream {
 public:
  virtual ~ByteStream() = default;

  // Starts reading, with a handler that outlives the stream's activity (until
  // onClosed). Called again from inside the current handler's onBytes, it hands
  // the stream to a new handler, which gets every later byte (a WebSocket
  // upgrade: the HTTP connection gives its stream to the XMPP session).
  virtual void start(ByteStreamHandler* handler) = 0;
  // Queues bytes for sending; writes are coalesced and kept in order.
  virtual void send(std::string_view bytes) = 0;
  // Upgrades to TLS as a server once queued bytes (e.g. <proceed/>) are flushed.
  // Reading pauses until the handshake ends; then onTlsEstablished or onClosed.
  virtual void startTls(std::shared_ptr<TlsServerContext> context) = 0;
  // The same as a client, sending `serverName` as SNI.
  virtual void startTlsClient(std::shared_ptr<TlsClientContext> context,
                              std::string serverName) = 0;
  // Flushes queued bytes, shuts TLS down and closes. onClosed follows.
  virtual void close() = 0;
  // Closes at once, dropping queued bytes. onClosed follows.
  virtual void abort() = 0;

  [[nodiscard]] virtual bool isTls() const = 0;
  // RFC 9266 tls-exporter channel binding data (empty unless TLS 1.3 or EMS).
  [[nodiscard]] virtual std::string tlsExporter() const = 0;
  // RFC 5929 tls-unique (TLS 1.2 with extended master secret only; empty otherwise).
  // Older clients (slixmpp 1.8) bind with nothing else.
  [[nodiscard]] virtual std::string tlsUnique() const = 0;
  [[nodiscard]] virtual std::string tlsVersion() const = 0;
  // Server name the client asked for with SNI, "" if none.
  [[nodiscard]] virtual std::string sniName() const = 0;
  // DER of the peer's certificate chain (leaf first), empty without TLS or certificate.
  [[nodiscard]] virtual std::vector<std::string> peerCertificateChain() const = 0;
  [[nodiscard]] virtual std::string remoteAddress() const = 0;
  [[nodiscard]] virtual std::string localAddress() const = 0;
  [[nodiscard]] virtual StreamStats stats() const = 0;
};

}  // namespace keyfed::net
