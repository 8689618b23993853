// RFC 6455 frames, server side (docs/websocket.md).

#include "keyfed/http/websocket_framer.hpp"

#include "keyfed/base/utf8.hpp"

namespace keyfed::http {
namespace {

// Buffers larger than this are given back once empty: a connection that once
// received a 200 KiB message does not keep 200 KiB while idle.
constexpr std::size_t kKeepCapacity = 4096;
constexpr std::size_t kMaxControlPayload = 125;

std::uint64_t bigEndian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

void appendUnmasked(std::string_view payload, const char* mask, std::string& out) {
  const std::size_t start = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < payload.size(); ++i) out[start + i] ^= mask[i & 3];
}

bool isDataOpcode(unsigned opcode) {
  return opcode <= 0x2;
}

bool isKnownOpcode(unsigned opcode) {
  return isDataOpcode(opcode) || (opcode >= 0x8 && opcode <= 0xA);
}

// RFC 6455 7.4: codes a peer may send in a close frame (1004-1006 and 1015
// are reserved for reporting, never sent).
bool isSendableCloseCode(std::uint16_t code) {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

void releaseIfLarge(std::string& buffer) {
  if (buffer.empty() && buffer.capacity() > kKeepCapacity) std::string().swap(buffer);
}

}  // namespace

CloseCode WebSocketFramer::feed(std::string_view bytes, Sink& sink) {
  if (failed_ != CloseCode::none || stopped_) return failed_;
  const bool carried = !in_.empty();
  if (carried) in_.append(bytes);
  const std::string_view data = carried ? std::string_view(in_) : bytes;
  std::size_t pos = 0;
  while (failed_ == CloseCode::none && !stopped_) {
    if (next(data, pos, sink) != Step::frame) break;
  }
  if (failed_ != CloseCode::none || stopped_) {
    in_.clear();
    message_.clear();
    return failed_;
  }
  if (carried) {
    in_.erase(0, pos);
  } else {
    in_.assign(data.substr(pos));
  }
  return CloseCode::none;
}

WebSocketFramer::Step WebSocketFramer::next(std::string_view data, std::size_t& pos, Sink& sink) {
  const std::string_view frame = data.substr(pos);
  if (frame.size() < 2) return Step::needMore;
  const auto b0 = static_cast<unsigned char>(frame[0]);
  const auto b1 = static_cast<unsigned char>(frame[1]);
  const bool fin = (b0 & 0x80u) != 0;
  const unsigned opcode = b0 & 0x0Fu;
  if ((b0 & 0x70u) != 0) {
    fail(CloseCode::protocolError, "reserved bits set (no extension was negotiated)");
    return Step::stop;
  }
  if (!isKnownOpcode(opcode)) {
    fail(CloseCode::protocolError, "reserved opcode");
    return Step::stop;
  }
  if ((b1 & 0x80u) == 0) {
    fail(CloseCode::protocolError, "client frames must be masked");
    return Step::stop;
  }
  const bool isControl = !isDataOpcode(opcode);
  std::uint64_t length = b1 & 0x7Fu;
  if (isControl && (!fin || length > kMaxControlPayload)) {
    fail(CloseCode::protocolError, "control frames are unfragmented and at most 125 bytes");
    return Step::stop;
  }
  std::size_t header = 2;
  if (length == 126) {
    if (frame.size() < 4) return Step::needMore;
    length = bigEndian(frame.substr(2, 2));
    header = 4;
    if (length < 126) {
      fail(CloseCode::protocolError, "payload length not in its shortest form");
      return Step::stop;
    }
  } else if (length == 127) {
    if (frame.size() < 10) return Step::needMore;
    length = bigEndian(frame.substr(2, 8));
    header = 10;
    if ((length >> 63) != 0 || length <= 0xFFFF) {
      fail(CloseCode::protocolError, "payload length not in its shortest form");
      return Step::stop;
    }
  }
  if (!isControl) {
    if (opcode == 0x0 && !fragmented_) {
      fail(CloseCode::protocolError, "continuation frame without a message");
      return Step::stop;
    }
    if (opcode != 0x0 && fragmented_) {
      fail(CloseCode::protocolError, "a new message inside a fragmented one");
      return Step::stop;
    }
    if (opcode == 0x2) {
      fail(CloseCode::unsupportedData, "binary messages are not XMPP (RFC 7395)");
      return Step::stop;
    }
    // Refused from the header: the payload of an oversized frame is never buffered.
    if (length > maxMessageBytes_ - message_.size()) {
      fail(CloseCode::messageTooBig, "message larger than the limit");
      return Step::stop;
    }
  }
  header += 4;  // the masking key
  if (frame.size() < header || frame.size() - header < length) return Step::needMore;
  const char* mask = frame.data() + header - 4;
  const std::string_view payload = frame.substr(header, static_cast<std::size_t>(length));
  pos += header + static_cast<std::size_t>(length);

  if (isControl) {
    control_.clear();
    appendUnmasked(payload, mask, control_);
    return control(static_cast<WsOpcode>(opcode), control_, sink) ? Step::frame : Step::stop;
  }
  appendUnmasked(payload, mask, message_);
  if (!fin) {
    fragmented_ = true;
    return Step::frame;
  }
  fragmented_ = false;
  if (!base::isUtf8(message_)) {
    fail(CloseCode::invalidPayload, "text message is not UTF-8");
    return Step::stop;
  }
  sink.onMessage(message_);
  message_.clear();
  return Step::frame;
}

bool WebSocketFramer::control(WsOpcode opcode, std::string_view payload, Sink& sink) {
  switch (opcode) {
    case WsOpcode::ping: sink.onPing(payload); return !stopped_;
    case WsOpcode::close: {
      if (payload.size() == 1) {
        fail(CloseCode::protocolError, "close frame with a one-byte payload");
        return false;
      }
      std::uint16_t code = 1005;  // RFC 6455 7.1.5: no status code was present
      std::string_view reason;
      if (payload.size() >= 2) {
        code = static_cast<std::uint16_t>(bigEndian(payload.substr(0, 2)));
        reason = payload.substr(2);
        if (!isSendableCloseCode(code)) {
          fail(CloseCode::protocolError, "invalid close code");
          return false;
        }
        if (!base::isUtf8(reason)) {
          fail(CloseCode::invalidPayload, "close reason is not UTF-8");
          return false;
        }
      }
      stopped_ = true;
      sink.onClose(code, reason);
      return false;
    }
    default:  // pong: unsolicited ones are allowed and ignored
      return true;
  }
}

CloseCode WebSocketFramer::fail(CloseCode code, std::string_view why) {
  failed_ = code;
  failure_ = why;
  return code;
}

void WebSocketFramer::trim() {
  releaseIfLarge(in_);
  releaseIfLarge(message_);
}

void WebSocketFramer::appendHeader(WsOpcode opcode, std::size_t payloadBytes, std::string& out) {
  out += static_cast<char>(0x80u | static_cast<unsigned>(opcode));
  if (payloadBytes < 126) {
    out += static_cast<char>(payloadBytes);
  } else if (payloadBytes <= 0xFFFF) {
    out += static_cast<char>(126);
    out += static_cast<char>((payloadBytes >> 8) & 0xFFu);
    out += static_cast<char>(payloadBytes & 0xFFu);
  } else {
    out += static_cast<char>(127);
    const auto n = static_cast<std::uint64_t>(payloadBytes);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFFu);
  }
}

void WebSocketFramer::appendFrame(WsOpcode opcode, std::string_view payload, std::string& out) {
  appendHeader(opcode, payload.size(), out);
  out.append(payload);
}

void WebSocketFramer::appendClose(CloseCode code, std::string_view reason, std::string& out) {
  if (code == CloseCode::none) {
    appendHeader(WsOpcode::close, 0, out);
    return;
  }
  // The reason must fit a control frame with the two code bytes.
  reason = reason.substr(0, kMaxControlPayload - 2);
  appendHeader(WsOpcode::close, 2 + reason.size(), out);
  const auto value = static_cast<std::uint16_t>(code);
  out += static_cast<char>(value >> 8);
  out += static_cast<char>(value & 0xFFu);
  out.append(reason);
}

}  // namespace keyfed::http
