#pragma once
// How a client stream is framed on its connection (docs/websocket.md): the
// one part of a c2s session that differs between TCP (RFC 6120: one XML
// document, <stream:stream>) and WebSocket (RFC 7395: one element per
// message, <open/> and <close/>). The session's negotiation and stanza logic
// is the same for both; it parses and writes through this interface.
//
// Parsing: feed() gives the session (an xml::StreamHandler) onStreamOpen,
// onStanza and onStreamClose, whatever the framing. Writing: each write*
// appends one unit the session then sends as is (one WebSocket message).

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xml/stream_parser.hpp"

namespace keyfed::modules::c2s {

class StreamFraming {
 public:
  virtual ~StreamFraming() = default;

  // Bytes from the connection; an error means the stream ends with fault().
  virtual base::Result<void> feed(std::string_view bytes) = 0;
  [[nodiscard]] virtual std::optional<xml::StreamFault> fault() const = 0;
  // RFC 6120 stream restart (after SASL success or TLS): the client opens a
  // new stream next. May be called from inside a handler callback.
  virtual void restart() = 0;
  // STARTTLS: the bytes after <starttls/> are TLS, never XML. False when the
  // framing has no STARTTLS (WebSocket runs over TLS from the start).
  virtual bool stopForTls() = 0;

  // Idle connections: frees the XML parser between stanzas (xml::StreamParser::
  // hibernate); the next feed() wakes it. False when a stanza is half read.
  virtual bool hibernate() = 0;
  [[nodiscard]] virtual bool hibernating() const = 0;

  // The opening of the server's stream: <stream:stream ...> or <open/>.
  virtual void writeOpen(const xml::StreamHeader& header, std::string& out) const = 0;
  // One top-level element; `defaultNs` is the namespace it is written in as
  // if it were the stream's (jabber:server stanzas are written as the client's).
  virtual void writeElement(const xml::Element& element, std::string_view defaultNs,
                            std::string& out) const = 0;
  // The end of the server's stream: </stream:stream> or <close/>.
  virtual void writeClose(std::string& out) const = 0;
};

// RFC 6120 over TCP (STARTTLS or direct TLS).
std::unique_ptr<StreamFraming> makeTcpFraming(xml::StreamHandler& handler,
                                              xml::ParserLimits limits);
// RFC 7395 over WebSocket: each feed() is one complete message.
std::unique_ptr<StreamFraming> makeWebSocketFraming(xml::StreamHandler& handler,
                                                    xml::ParserLimits limits);
// XEP-0206 over BOSH: read as RFC 7395 messages (BoshSession delivers each
// payload as one); <open/> and <close/> are written by the BOSH layer.
std::unique_ptr<StreamFraming> makeBoshFraming(xml::StreamHandler& handler,
                                               xml::ParserLimits limits);

}  // namespace keyfed::modules::c2s
