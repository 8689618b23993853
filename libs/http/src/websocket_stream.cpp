// A WebSocket connection as a message stream (docs/websocket.md).

#include "keyfed/http/websocket_stream.hpp"

#include "keyfed/base/log.hpp"

namespace keyfed::http {
namespace {

const base::Logger& wsLog() {
  static const base::Logger logger("websocket");
  return logger;
}

std::uint16_t closeCodeValue(CloseCode code) {
  return static_cast<std::uint16_t>(code);
}

}  // namespace

WebSocketStream::WebSocketStream(std::unique_ptr<net::ByteStream> inner, std::string buffered,
                                 std::size_t maxMessageBytes)
    : inner_(std::move(inner)), framer_(maxMessageBytes), buffered_(std::move(buffered)) {}

WebSocketStream::~WebSocketStream() = default;

void WebSocketStream::start(net::ByteStreamHandler* handler) {
  handler_ = handler;
  // The TLS stream is already running (it carried the HTTP handshake): this
  // hands its reads from the HTTP connection to us.
  inner_->start(this);
  if (!buffered_.empty()) {
    std::string early = std::move(buffered_);
    buffered_ = std::string();
    onBytes(early);
  }
}

void WebSocketStream::send(std::string_view message) {
  if (closeSent_) return;
  sendFrame(WsOpcode::text, message);
}

void WebSocketStream::sendFrame(WsOpcode opcode, std::string_view payload) {
  // The header fits a short string (no allocation); the stream queues both
  // writes of this loop turn into one TLS record (D20), so the payload is
  // never copied into a frame buffer of ours.
  std::string header;
  WebSocketFramer::appendHeader(opcode, payload.size(), header);
  inner_->send(header);
  inner_->send(payload);
}

void WebSocketStream::startTls(std::shared_ptr<net::TlsServerContext> /*context*/) {
  closeWith(CloseCode::protocolError, "no STARTTLS inside WebSocket");
}

void WebSocketStream::startTlsClient(std::shared_ptr<net::TlsClientContext> /*context*/,
                                     std::string /*serverName*/) {
  closeWith(CloseCode::internalError, "no STARTTLS inside WebSocket");
}

void WebSocketStream::close() {
  closeWith(CloseCode::normal, {});
}

void WebSocketStream::closeWith(CloseCode code, std::string_view reason) {
  framer_.stop();
  if (!closeSent_) {
    closeSent_ = true;
    std::string frame;
    WebSocketFramer::appendClose(code, reason, frame);
    inner_->send(frame);
  }
  inner_->close();
}

void WebSocketStream::onBytes(std::string_view bytes) {
  const CloseCode failed = framer_.feed(bytes, *this);
  if (failed != CloseCode::none) {
    wsLog().info("{}: closing with {}: {}", inner_->remoteAddress(), closeCodeValue(failed),
                 framer_.failure());
    closeWith(failed, framer_.failure());
    return;
  }
  framer_.trim();
}

void WebSocketStream::onMessage(std::string_view text) {
  if (handler_ != nullptr && !closeSent_) handler_->onBytes(text);
}

void WebSocketStream::onPing(std::string_view payload) {
  if (!closeSent_) sendFrame(WsOpcode::pong, payload);
}

void WebSocketStream::onClose(std::uint16_t code, std::string_view /*reason*/) {
  // RFC 6455 5.5.1: answer with a close frame, echoing the status code.
  if (!closeSent_) {
    closeSent_ = true;
    std::string frame;
    WebSocketFramer::appendClose(code == 1005 ? CloseCode::none : static_cast<CloseCode>(code), {},
                                 frame);
    inner_->send(frame);
  }
  inner_->close();
}

void WebSocketStream::onClosed(std::string_view reason) {
  if (handler_ != nullptr) handler_->onClosed(reason);
}

}  // namespace keyfed::http
