#pragma once
// One client stream: bytes in through the XML parser, the negotiation
// (STARTTLS, SASL, resource binding) as a small state machine, then stanzas
// to the router. Everything a client sends is untrusted: the parser enforces
// the configured limits and every refusal ends in the RFC 6120 stream error.
// The same session serves TCP and WebSocket (RFC 7395) clients: only the
// framing differs (stream_framing.hpp).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/server/session.hpp"
#include "keyfed/xml/stream_parser.hpp"
#include "sasl_negotiator.hpp"
#include "stream_framing.hpp"

namespace keyfed::modules::c2s {

class C2sModule;

enum class Framing { tcp, websocket, bosh };

// The parser limits of a client stream ([limits]).
xml::ParserLimits c2sParserLimits(const config::Config& config);

class C2sSession final : public server::ClientSession,
                         private net::ByteStreamHandler,
                         private xml::StreamHandler {
 public:
  C2sSession(C2sModule& owner, server::Server& server, std::unique_ptr<net::ByteStream> stream,
             Framing framing = Framing::tcp);
  ~C2sSession() override;
  C2sSession(const C2sSession&) = delete;
  C2sSession& operator=(const C2sSession&) = delete;

  void start();

  // server::Session
  void closeWithError(xmpp::StreamErrorCondition condition, std::string_view text = {}) override;
  bool resumeOnto(server::ClientSession& fresh) override;
  [[nodiscard]] std::string remoteAddress() const override { return remote_; }
  [[nodiscard]] bool secure() const override { return stream_->isTls(); }

 private:
  // net::ByteStreamHandler
  void onBytes(std::string_view bytes) override;
  void onTlsEstablished() override;
  void onClosed(std::string_view reason) override;
  // xml::StreamHandler
  void onStreamOpen(const xml::StreamHeader& header) override;
  void onStanza(xml::Element&& stanza) override;
  void onStreamClose() override;

  // server::ClientSession
  void write(const xml::Element& stanza) override;

  void openStream(const xml::StreamHeader& header);
  void fireNonza(xml::Element& nonza);
  void retire();
  void sendHeader(std::string_view from);
  void sendFeatures();
  void sendRaw(std::string_view bytes);
  void sendClose();
  void handleStartTls();
  void handleSasl(const xml::Element& element);
  void handleBind(const xml::Element& iq);
  void handleBeforeBind(xml::Element&& stanza);
  void handlePreAuthIq(xml::Element&& iq);
  void replyIqError(const xml::Element& iq, xmpp::StanzaErrorCondition condition);
  // bindings: channelBindings() of this stream, computed once by the caller
  // (a tls-exporter value is an HKDF run, not something to repeat per feature).
  std::vector<std::string> offeredMechanisms(
      const std::vector<xmpp::ChannelBinding>& bindings) const;
  std::vector<xmpp::ChannelBinding> channelBindings() const;
  bool tlsRequiredButMissing() const;
  void unbind();
  void armTimer();
  void onTimer();
  void hibernateIfQuiet(std::chrono::steady_clock::time_point now);

  C2sModule& owner_;
  server::Server& server_;
  std::unique_ptr<net::ByteStream> stream_;
  std::unique_ptr<StreamFraming> framing_;
  net::Timer timer_;
  std::string remote_;
  std::string streamId_;
  std::string out_;  // serialization buffer, reused for every stanza
  std::optional<SaslNegotiator> sasl_;
  std::chrono::steady_clock::time_point connectedAt_;
  std::chrono::steady_clock::time_point lastActivity_;
  // The activity after which hibernating was last tried (and refused: the
  // peer stopped mid-stanza); not tried again before new bytes arrive.
  std::chrono::steady_clock::time_point hibernateTriedAt_{};
  bool headerSent_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool registered_ = false;  // in the session registry
  // The connection is gone but a layer (stream management) keeps the bound
  // session for resumption; closeWithError() ends it.
  bool detached_ = false;
};

}  // namespace keyfed::modules::c2s
