#pragma once
// One external component's stream (XEP-0114, jabber:component:accept): the
// stream header names the component's domain, the component answers the
// stream id with <handshake/>, then stanzas flow both ways. Everything it
// sends is untrusted until the handshake, and its 'from' addresses always:
// the parser enforces the [limits] of client streams and every refusal ends
// in an RFC 6120 stream error.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/server/session.hpp"
#include "keyfed/xml/stream_parser.hpp"

namespace keyfed::modules::component {

class ComponentModule;
struct ComponentRoute;

class ComponentSession final : public server::Session,
                               private net::ByteStreamHandler,
                               private xml::StreamHandler {
 public:
  ComponentSession(ComponentModule& owner, server::Server& server,
                   std::unique_ptr<net::ByteStream> stream);
  ~ComponentSession() override;
  ComponentSession(const ComponentSession&) = delete;
  ComponentSession& operator=(const ComponentSession&) = delete;

  void start();

  // server::Session
  [[nodiscard]] Kind kind() const override { return Kind::component; }
  void send(const xml::Element& stanza) override;
  void closeWithError(xmpp::StreamErrorCondition condition, std::string_view text = {}) override;
  [[nodiscard]] std::string remoteAddress() const override { return remote_; }

 private:
  enum class State { awaitingHeader, awaitingHandshake, connected };

  // net::ByteStreamHandler
  void onBytes(std::string_view bytes) override;
  void onTlsEstablished() override {}  // component listeners have no TLS
  void onClosed(std::string_view reason) override;
  // xml::StreamHandler
  void onStreamOpen(const xml::StreamHeader& header) override;
  void onStanza(xml::Element&& stanza) override;
  void onStreamClose() override;

  void handleHandshake(const xml::Element& handshake);
  void handleStanza(xml::Element&& stanza);
  void replyError(const xml::Element& stanza, xmpp::StanzaErrorCondition condition);
  void sendHeader(std::string_view from);
  void write(const xml::Element& element, std::string_view defaultNs);
  void sendClose();
  void end();
  void leaveRoute(std::string_view how);
  void armTimer();
  void onTimer();
  [[nodiscard]] std::chrono::seconds idleTimeout() const;

  ComponentModule& owner_;
  server::Server& server_;
  std::unique_ptr<net::ByteStream> stream_;
  xml::StreamParser parser_;
  net::Timer timer_;
  std::string remote_;
  std::string streamId_;
  std::string out_;  // serialization buffer, reused for every stanza
  // The [[component]] the header named; this session is its connection once
  // the handshake succeeded (state_ == connected).
  ComponentRoute* route_ = nullptr;
  State state_ = State::awaitingHeader;
  std::chrono::steady_clock::time_point connectedAt_;
  std::chrono::steady_clock::time_point lastActivity_;
  bool headerSent_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace keyfed::modules::component
