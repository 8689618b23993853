#pragma once
// RFC 6455 framing, server side, without I/O (docs/websocket.md): bytes from
// a client in, complete messages and control frames out; frames to a client
// written into a caller's buffer. Fuzzable on its own (fuzz/websocket_framer).
//
// Everything a client sends is untrusted: frames must be masked, reserved bits
// and opcodes are refused, control frames are at most 125 bytes and never
// fragmented, a message is at most maxMessageBytes (checked from the frame
// header, before its payload is read), text must be UTF-8. Binary messages are
// refused with 1003 (RFC 7395 speaks text only); no extension is negotiated,
// so RSV1 (permessage-deflate) is an error like the others. The first error
// names the close code to send; after it the framer takes nothing more.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace keyfed::http {

// RFC 6455 7.4.1 status codes keyfed sends.
enum class CloseCode : std::uint16_t {
  none = 0,  // no error
  normal = 1000,
  goingAway = 1001,
  protocolError = 1002,
  unsupportedData = 1003,
  invalidPayload = 1007,  // text that is not UTF-8
  policyViolation = 1008,
  messageTooBig = 1009,
  internalError = 1011,
};

enum class WsOpcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

class WebSocketFramer {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    // A complete text message (all fragments joined, UTF-8 checked). The view
    // is valid during the call.
    virtual void onMessage(std::string_view text) = 0;
    // A ping: answer with a pong carrying the same payload.
    virtual void onPing(std::string_view payload) = 0;
    // The client's close frame; code 1005 when it carried none. After it the
    // framer takes nothing more.
    virtual void onClose(std::uint16_t code, std::string_view reason) = 0;
  };

  explicit WebSocketFramer(std::size_t maxMessageBytes) : maxMessageBytes_(maxMessageBytes) {}

  // Decodes as much of `bytes` as forms complete frames; the rest is kept for
  // the next call. Returns CloseCode::none, or the code the connection must be
  // closed with (failure() says why). A sink callback may call stop(), after
  // which the rest is ignored.
  CloseCode feed(std::string_view bytes, Sink& sink);
  // Takes no more input (the connection is closing).
  void stop() { stopped_ = true; }

  [[nodiscard]] CloseCode failed() const { return failed_; }
  [[nodiscard]] std::string_view failure() const { return failure_; }
  // Bytes held between calls: an incomplete frame and an incomplete message.
  [[nodiscard]] std::size_t buffered() const { return in_.size() + message_.size(); }
  // Gives back buffer memory after a large message (idle connections stay small).
  void trim();

  // Appends an unmasked, unfragmented server frame to `out`.
  static void appendFrame(WsOpcode opcode, std::string_view payload, std::string& out);
  // Appends only the header of such a frame (payload written by the caller).
  static void appendHeader(WsOpcode opcode, std::size_t payloadBytes, std::string& out);
  // A close frame with `code` (none: an empty close frame) and a short reason.
  static void appendClose(CloseCode code, std::string_view reason, std::string& out);

 private:
  enum class Step { frame, needMore, stop };
  Step next(std::string_view data, std::size_t& pos, Sink& sink);
  CloseCode fail(CloseCode code, std::string_view why);
  bool control(WsOpcode opcode, std::string_view payload, Sink& sink);

  std::size_t maxMessageBytes_;
  std::string in_;       // an incomplete frame, carried to the next feed()
  std::string message_;  // the fragments of the message being received
  std::string control_;  // one control frame's unmasked payload (<= 125 bytes)
  std::string_view failure_;
  CloseCode failed_ = CloseCode::none;
  bool fragmented_ = false;  // a text message started without FIN
  bool stopped_ = false;
};

}  // namespace keyfed::http
