#pragma once
// What incoming and outgoing server streams share: bytes through the limited
// XML parser, the jabber:server writer with the stream: and db: prefixes,
// stream errors and closing, whitespace keepalives, and read shaping.
//
// Subclasses implement the negotiation. Everything from the peer is untrusted:
// the parser enforces limits, a refusal ends in the RFC 6120 stream error.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/xml/stream_parser.hpp"
#include "keyfed/xmpp/errors.hpp"

namespace keyfed::server {
class Server;
}

namespace keyfed::modules::s2s {

class S2sModule;

class S2sStream : protected net::ByteStreamHandler, protected xml::StreamHandler {
 public:
  S2sStream(S2sModule& owner, std::uint64_t id);
  ~S2sStream() override;
  S2sStream(const S2sStream&) = delete;
  S2sStream& operator=(const S2sStream&) = delete;

  [[nodiscard]] std::uint64_t id() const { return id_; }
  [[nodiscard]] bool closing() const { return closing_; }
  [[nodiscard]] bool isTls() const { return stream_ != nullptr && stream_->isTls(); }
  [[nodiscard]] const std::string& address() const { return remote_; }

  // Writes a top-level element (stanza, db:, stream features) to the peer.
  void sendElement(const xml::Element& element);
  // Ends the stream with an error (logged), then closes the connection.
  // `seeOtherHost`: the location <see-other-host/> carries.
  void closeStream(xmpp::StreamErrorCondition condition, std::string_view text,
                   std::string_view seeOtherHost = {});
  // Ends the stream politely (</stream:stream>).
  void closeGracefully(std::string_view why);

 protected:
  // Takes the connected byte stream and starts reading.
  void attach(std::unique_ptr<net::ByteStream> stream);
  void writeHeader(const xml::StreamHeader& header);
  void sendRaw(std::string_view bytes);
  // Restart after TLS or SASL: a fresh XML document.
  void restartParser() { parser_.reset(); }
  void stopParser() { parser_.stop(); }
  net::ByteStream& stream() { return *stream_; }
  [[nodiscard]] bool attached() const { return stream_ != nullptr; }
  void touch();
  [[nodiscard]] std::chrono::steady_clock::time_point lastActivity() const { return lastActivity_; }
  // A quiet stream's parser sleeps (docs/performance.md, "Memory per idle
  // connection"): the subclasses' timers wake by hibernateDeadline() and call
  // hibernateIfQuiet(). time_point::max() when there is nothing to do.
  [[nodiscard]] std::chrono::steady_clock::time_point hibernateDeadline() const;
  void hibernateIfQuiet(std::chrono::steady_clock::time_point now);

  // The subclass's hooks.
  virtual void handleHeader(const xml::StreamHeader& header) = 0;
  virtual void handleElement(xml::Element&& element) = 0;
  virtual void handleTls() = 0;
  // The connection is gone; called once. The subclass tells the owner.
  virtual void handleGone(std::string_view reason) = 0;
  // Before the error goes out: a header must be written first if none was.
  virtual void ensureHeaderSent() = 0;
  // (Re)starts the subclass's timer from its deadlines, hibernateDeadline() among them.
  virtual void armTimer() = 0;

  S2sModule& owner_;
  server::Server& server_;
  // The stream error the peer ended the stream with ("" if none).
  std::string peerError_;
  std::string peerErrorText_;
  // The content of the peer's <see-other-host/> (at most kMaxLocationBytes + 1).
  std::string peerSeeOtherHost_;

 private:
  // net::ByteStreamHandler
  void onBytes(std::string_view bytes) override;
  void onTlsEstablished() override;
  void onClosed(std::string_view reason) override;
  // xml::StreamHandler
  void onStreamOpen(const xml::StreamHeader& header) override;
  void onStanza(xml::Element&& stanza) override;
  void onStreamClose() override;
  void onWhitespace() override { touch(); }

  void feed(std::string_view bytes);
  void drainBacklog();

  std::uint64_t id_;
  std::unique_ptr<net::ByteStream> stream_;
  xml::StreamParser parser_;
  std::string remote_;
  std::string out_;
  std::chrono::steady_clock::time_point lastActivity_;
  // The activity after which hibernating was last tried (and refused: a
  // stanza was half read); not tried again before new bytes arrive.
  std::chrono::steady_clock::time_point hibernateTriedAt_{};
  // Read shaping: a token bucket; bytes above the rate wait in the backlog.
  std::string backlog_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refilledAt_;
  net::Timer shaper_;
  bool closing_ = false;
  bool gone_ = false;
};

}  // namespace keyfed::modules::s2s
