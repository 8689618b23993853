#pragma once
// One client connection of the load generator: TCP, STARTTLS, SASL
// SCRAM-SHA-256 (or -1), resource binding, initial presence, then chat
// messages. It speaks the protocol and reports to a SessionObserver; what to
// send and when is the LoadRun's business.
//
// Everything the server sends is untrusted: the stream parser enforces its
// limits, unexpected elements fail the session with an error value, nothing
// throws. All callbacks run on the event loop thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/tls.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xml/stream_parser.hpp"
#include "keyfed/xmpp/scram.hpp"

namespace keyfed::loadgen {

class ClientSession;
class ScramCache;

class SessionObserver {
 public:
  virtual ~SessionObserver() = default;
  // SASL succeeded; only reported to sessions started with stopAfterAuth,
  // which then close on their own.
  virtual void onAuthenticated(ClientSession& session) = 0;
  // Bound, initial presence sent, and the server answered a ping sent after
  // it (so it has processed the presence): ready for messages.
  virtual void onReady(ClientSession& session) = 0;
  // A <message/> with a body arrived (not of type error).
  virtual void onChat(ClientSession& session, std::string_view from, std::string_view body) = 0;
  // A stanza of type error arrived (a bounced message, a refused iq).
  virtual void onStanzaError(ClientSession& session, const xml::Element& stanza) = 0;
  // The session failed (see ClientSession::error()); onClosed follows.
  virtual void onFailed(ClientSession& session) = 0;
  // The connection is gone; the session delivers nothing more. The observer
  // must not destroy the session inside this callback (post it instead).
  virtual void onClosed(ClientSession& session) = 0;
};

// Opens the TCP connection; tests hand over a scripted stream instead.
using Connector = std::function<void(
    std::function<void(base::Result<std::unique_ptr<net::ByteStream>>)> onConnected)>;

struct SessionConfig {
  std::uint32_t index = 0;  // position in the run, for reports
  std::string domain;
  std::string username;  // node part
  std::string password;
  std::string resource;  // asked for in bind; the server may choose another
  xmpp::ScramHash hash = xmpp::ScramHash::sha256;
  std::shared_ptr<net::TlsClientContext> tls;
  xml::ParserLimits limits;
  std::chrono::milliseconds loginTimeout{30'000};
  // Close right after SASL success (fills the ScramCache, no session).
  bool stopAfterAuth = false;
};

class ClientSession final : private net::ByteStreamHandler, private xml::StreamHandler {
 public:
  enum class State {
    idle,
    connecting,
    awaitingFeatures,  // plaintext stream opened
    awaitingProceed,   // <starttls/> sent
    tlsHandshake,
    awaitingTlsFeatures,
    authenticating,  // <auth/> sent
    awaitingBindFeatures,
    binding,
    startingSession,  // legacy RFC 3921 session, when the server requires it
    awaitingPing,     // presence and ping sent
    ready,
    closing,  // </stream:stream> sent
    closed,
  };

  ClientSession(net::EventLoop& loop, SessionConfig config, Connector connector, ScramCache& cache,
                SessionObserver& observer);
  ~ClientSession() override;
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  void start();
  // Sends <message type='chat'/> with the body to `to`. Only when ready().
  void sendChat(std::string_view to, std::string_view id, std::string_view body);
  // Ends the stream politely: </stream:stream>, then closes once the server
  // answers the same (or right away when not connected).
  void close();
  // Drops the connection at once.
  void abort();

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool ready() const { return state_ == State::ready; }
  [[nodiscard]] bool closed() const { return state_ == State::closed; }
  [[nodiscard]] const SessionConfig& config() const { return config_; }
  [[nodiscard]] std::uint32_t index() const { return config_.index; }
  // The full JID the server bound (valid once ready).
  [[nodiscard]] const std::string& jid() const { return jid_; }
  [[nodiscard]] const std::optional<base::Error>& error() const { return error_; }

 private:
  // net::ByteStreamHandler
  void onBytes(std::string_view bytes) override;
  void onTlsEstablished() override;
  void onClosed(std::string_view reason) override;
  // xml::StreamHandler
  void onStreamOpen(const xml::StreamHeader& header) override;
  void onStanza(xml::Element&& stanza) override;
  void onStreamClose() override;

  void onConnected(base::Result<std::unique_ptr<net::ByteStream>> stream);
  void openStream();
  void handleFeatures(const xml::Element& features);
  void handleSasl(const xml::Element& element);
  void handleIq(const xml::Element& iq);
  void handleMessage(const xml::Element& message);
  void startAuth(const xml::Element& features);
  void sendPresenceAndPing();
  void send(const xml::Element& element);
  void fail(std::string code, std::string message);
  void finish();

  SessionConfig config_;
  Connector connector_;
  ScramCache& cache_;
  SessionObserver& observer_;
  std::unique_ptr<net::ByteStream> stream_;
  xml::StreamParser parser_;
  std::optional<xmpp::ScramClient> scram_;
  net::Timer loginTimer_;
  net::Timer closeTimer_;
  // Expires with the session: a connect still in flight checks it.
  std::shared_ptr<ClientSession*> self_;
  State state_ = State::idle;
  std::optional<base::Error> error_;
  std::string jid_;
  bool sessionRequired_ = false;
  xml::Element chat_;      // reused <message type='chat'><body/></message>
  std::string outBuffer_;  // reused serialisation buffer
};

std::string_view stateName(ClientSession::State state);

}  // namespace keyfed::loadgen
