#pragma once
// A WebSocket connection seen as a byte stream of messages (docs/websocket.md):
// it wraps the TLS stream an upgraded HTTP connection handed over, decodes the
// client's frames (WebSocketFramer) and gives its handler one onBytes() per
// complete text message; send() writes one text message per call. Pings are
// answered here; a framing error closes with its RFC 6455 code (1002, 1007,
// 1009, ...); close() sends a 1000 close frame before closing the TLS stream.
// TLS facts (channel binding, SNI, addresses) are the wrapped stream's.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/http/websocket_framer.hpp"
#include "keyfed/net/byte_stream.hpp"

namespace keyfed::http {

class WebSocketStream final : public net::ByteStream,
                              private net::ByteStreamHandler,
                              private WebSocketFramer::Sink {
 public:
  // `buffered`: bytes the HTTP connection received after the handshake.
  WebSocketStream(std::unique_ptr<net::ByteStream> inner, std::string buffered,
                  std::size_t maxMessageBytes);
  ~WebSocketStream() override;
  WebSocketStream(const WebSocketStream&) = delete;
  WebSocketStream& operator=(const WebSocketStream&) = delete;

  void start(net::ByteStreamHandler* handler) override;
  void send(std::string_view message) override;
  // WebSocket runs over TLS from the start: there is nothing to upgrade.
  void startTls(std::shared_ptr<net::TlsServerContext> context) override;
  void startTlsClient(std::shared_ptr<net::TlsClientContext> context,
                      std::string serverName) override;
  void close() override;
  void abort() override { inner_->abort(); }
  // Closes with a status code other than 1000 (e.g. 1008 policy violation).
  void closeWith(CloseCode code, std::string_view reason);

  [[nodiscard]] bool isTls() const override { return inner_->isTls(); }
  [[nodiscard]] std::string tlsExporter() const override { return inner_->tlsExporter(); }
  [[nodiscard]] std::string tlsUnique() const override { return inner_->tlsUnique(); }
  [[nodiscard]] std::string tlsVersion() const override { return inner_->tlsVersion(); }
  [[nodiscard]] std::string sniName() const override { return inner_->sniName(); }
  [[nodiscard]] std::vector<std::string> peerCertificateChain() const override {
    return inner_->peerCertificateChain();
  }
  [[nodiscard]] std::string remoteAddress() const override { return inner_->remoteAddress(); }
  [[nodiscard]] std::string localAddress() const override { return inner_->localAddress(); }
  [[nodiscard]] net::StreamStats stats() const override { return inner_->stats(); }

 private:
  // net::ByteStreamHandler (the TLS stream below)
  void onBytes(std::string_view bytes) override;
  void onTlsEstablished() override {}
  void onClosed(std::string_view reason) override;
  // WebSocketFramer::Sink
  void onMessage(std::string_view text) override;
  void onPing(std::string_view payload) override;
  void onClose(std::uint16_t code, std::string_view reason) override;

  void sendFrame(WsOpcode opcode, std::string_view payload);

  std::unique_ptr<net::ByteStream> inner_;
  net::ByteStreamHandler* handler_ = nullptr;
  WebSocketFramer framer_;
  std::string buffered_;
  bool closeSent_ = false;
};

}  // namespace keyfed::http
