#include "client_session.hpp"

#include <utility>

#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/sasl.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "scram_cache.hpp"

namespace keyfed::loadgen {

namespace ns = xmpp::ns;

namespace {

constexpr std::string_view kBindId = "lg-bind";
constexpr std::string_view kSessionId = "lg-session";
constexpr std::string_view kPingId = "lg-ping";
// How long close() waits for the server's </stream:stream>.
constexpr auto kCloseGrace = std::chrono::seconds(5);
// Error texts from the server are quoted in reports, never in full.
constexpr std::size_t kMaxQuotedText = 200;

const xml::WriteContext kClientContext{ns::client, {}};

std::string quote(std::string_view text) {
  return std::string(text.substr(0, kMaxQuotedText));
}

// "not-authorized: text" from a <failure/>, <stream:error/> or stanza <error/>.
std::string describeCondition(const xml::Element& element, std::string_view conditionNs) {
  std::string out;
  for (const xml::Element& child : element.children({}, conditionNs)) {
    if (child.name() == "text") continue;
    out = child.name();
    break;
  }
  if (out.empty()) out = "(no condition)";
  std::string text = element.childText("text", conditionNs);
  if (!text.empty()) out += ": " + quote(text);
  return out;
}

}  // namespace

std::string_view stateName(ClientSession::State state) {
  using enum ClientSession::State;
  switch (state) {
    case idle: return "idle";
    case connecting: return "connecting";
    case awaitingFeatures: return "awaiting-features";
    case awaitingProceed: return "awaiting-proceed";
    case tlsHandshake: return "tls-handshake";
    case awaitingTlsFeatures: return "awaiting-tls-features";
    case authenticating: return "authenticating";
    case awaitingBindFeatures: return "awaiting-bind-features";
    case binding: return "binding";
    case startingSession: return "starting-session";
    case awaitingPing: return "awaiting-ping";
    case ready: return "ready";
    case closing: return "closing";
    case closed: return "closed";
  }
  return "?";
}

ClientSession::ClientSession(net::EventLoop& loop, SessionConfig config, Connector connector,
                             ScramCache& cache, SessionObserver& observer)
    : config_(std::move(config)),
      connector_(std::move(connector)),
      cache_(cache),
      observer_(observer),
      parser_(*this, config_.limits),
      loginTimer_(loop),
      closeTimer_(loop),
      self_(std::make_shared<ClientSession*>(this)),
      chat_("message", std::string(ns::client)) {
  chat_.setAttr("to", "");
  chat_.setAttr("type", "chat");
  chat_.setAttr("id", "");
  chat_.addChild("body", std::string(ns::client));
}

// Destroying the stream detaches it: no callback reaches a half-destroyed session.
ClientSession::~ClientSession() {
  *self_ = nullptr;
}

void ClientSession::start() {
  if (state_ != State::idle) return;
  state_ = State::connecting;
  loginTimer_.start(config_.loginTimeout, [this] {
    fail("loadgen.login-timeout", "not ready after " +
                                      std::to_string(config_.loginTimeout.count()) + " ms (state " +
                                      std::string(stateName(state_)) + ")");
  });
  std::weak_ptr<ClientSession*> weak = self_;
  connector_([weak](base::Result<std::unique_ptr<net::ByteStream>> stream) {
    auto self = weak.lock();
    if (!self || *self == nullptr) return;  // the session is gone; the stream closes itself
    (*self)->onConnected(std::move(stream));
  });
}

void ClientSession::onConnected(base::Result<std::unique_ptr<net::ByteStream>> stream) {
  if (state_ != State::connecting) return;  // failed (timeout) meanwhile
  if (!stream) {
    fail("loadgen.connect", stream.error().describe());
    return;
  }
  stream_ = std::move(*stream);
  state_ = State::awaitingFeatures;
  stream_->start(this);
  openStream();
}

void ClientSession::openStream() {
  xml::StreamHeader header;
  header.defaultNs = ns::client;
  header.to = config_.domain;
  header.version = "1.0";
  outBuffer_.clear();
  xml::writeStreamHeader(header, outBuffer_);
  stream_->send(outBuffer_);
}

void ClientSession::send(const xml::Element& element) {
  if (!stream_) return;
  outBuffer_.clear();
  xml::serialize(element, outBuffer_, kClientContext);
  stream_->send(outBuffer_);
}

void ClientSession::onBytes(std::string_view bytes) {
  if (auto fed = parser_.feed(bytes); !fed) {
    fail("loadgen.bad-xml", fed.error().describe());
  }
}

void ClientSession::onTlsEstablished() {
  if (state_ != State::tlsHandshake) return;
  state_ = State::awaitingTlsFeatures;
  parser_.reset();
  openStream();
}

void ClientSession::onClosed(std::string_view reason) {
  if (state_ == State::closed) return;
  if (state_ != State::closing) {
    fail("loadgen.closed", "connection closed by the server or the network in state " +
                               std::string(stateName(state_)) + ": " + quote(reason));
    if (state_ == State::closed) return;  // fail() finished us
  }
  finish();
}

void ClientSession::onStreamOpen(const xml::StreamHeader& header) {
  if (header.defaultNs != ns::client) {
    fail("loadgen.protocol", "stream header with namespace '" + quote(header.defaultNs) + "'");
  }
}

void ClientSession::onStreamClose() {
  if (state_ == State::closing) {
    if (stream_) stream_->close();
    return;
  }
  fail("loadgen.closed", "the server ended the stream in state " + std::string(stateName(state_)));
}

void ClientSession::onStanza(xml::Element&& stanza) {
  // After our </stream:stream> only the server's matters (onStreamClose).
  if (state_ == State::closing || state_ == State::closed) return;
  const std::string& space = stanza.ns();
  if (space == xml::kStreamNamespace) {
    if (stanza.name() == "features") {
      handleFeatures(stanza);
    } else if (stanza.name() == "error") {
      fail("loadgen.stream-error", "stream error " + describeCondition(stanza, ns::streams));
    }
    return;
  }
  if (space == ns::tls) {
    if (stanza.name() == "proceed" && state_ == State::awaitingProceed) {
      // The bytes after <proceed/> are the TLS handshake, never XML.
      parser_.stop();
      state_ = State::tlsHandshake;
      stream_->startTlsClient(config_.tls, config_.domain);
    } else {
      fail("loadgen.starttls", "STARTTLS refused: <" + quote(stanza.name()) + "/>");
    }
    return;
  }
  if (space == ns::sasl) {
    handleSasl(stanza);
    return;
  }
  switch (xmpp::stanzaKind(stanza)) {
    case xmpp::StanzaKind::message: handleMessage(stanza); break;
    case xmpp::StanzaKind::iq: handleIq(stanza); break;
    case xmpp::StanzaKind::presence:
      if (xmpp::stanzaType(stanza) == "error") observer_.onStanzaError(*this, stanza);
      break;  // presence of our own resources and of others is not measured
    case xmpp::StanzaKind::other: break;  // nonzas we do not use (e.g. XEP-0198 <r/>)
  }
}

void ClientSession::handleFeatures(const xml::Element& features) {
  switch (state_) {
    case State::awaitingFeatures:
      if (features.child("starttls", ns::tls) == nullptr) {
        fail("loadgen.starttls", "the server does not offer STARTTLS");
        return;
      }
      state_ = State::awaitingProceed;
      send(xml::Element("starttls", std::string(ns::tls)));
      return;
    case State::awaitingTlsFeatures: startAuth(features); return;
    case State::awaitingBindFeatures: {
      if (features.child("bind", ns::bind) == nullptr) {
        fail("loadgen.bind", "the server does not offer resource binding");
        return;
      }
      const xml::Element* session = features.child("session", ns::session);
      sessionRequired_ = session != nullptr && session->child("optional", ns::session) == nullptr;
      state_ = State::binding;
      xml::Element iq("iq", std::string(ns::client));
      iq.setAttr("type", "set").setAttr("id", kBindId);
      iq.addChild("bind", std::string(ns::bind))
          .addChild("resource", std::string(ns::bind))
          .addText(config_.resource);
      send(iq);
      return;
    }
    default:
      fail("loadgen.protocol",
           "unexpected stream features in state " + std::string(stateName(state_)));
      return;
  }
}

void ClientSession::startAuth(const xml::Element& features) {
  const std::string_view wanted = xmpp::scramMechanismName(config_.hash, false);
  bool offered = false;
  if (const xml::Element* mechanisms = features.child("mechanisms", ns::sasl)) {
    for (const xml::Element& m : mechanisms->children("mechanism", ns::sasl)) {
      if (m.text() == wanted) offered = true;
    }
  }
  if (!offered) {
    fail("loadgen.mechanism", "the server does not offer " + std::string(wanted) +
                                  " (Prosody needs password_hash = \"SHA-256\" for it)");
    return;
  }
  xmpp::ScramClientConfig sc;
  sc.hash = config_.hash;
  sc.username = config_.username;
  sc.password = config_.password;
  cache_.apply(sc);
  scram_.emplace(std::move(sc));
  state_ = State::authenticating;
  xml::Element auth("auth", std::string(ns::sasl));
  auth.setAttr("mechanism", wanted);
  auth.addText(xmpp::encodeSaslPayload(scram_->clientFirst()));
  send(auth);
}

void ClientSession::handleSasl(const xml::Element& element) {
  if (state_ != State::authenticating || !scram_) {
    fail("loadgen.protocol", "SASL element <" + quote(element.name()) + "/> out of turn");
    return;
  }
  const std::string& name = element.name();
  if (name == "failure") {
    fail("loadgen.auth", "authentication failed: " + describeCondition(element, ns::sasl));
    return;
  }
  if (name != "challenge" && name != "success") {
    fail("loadgen.protocol", "unexpected SASL element <" + quote(name) + "/>");
    return;
  }
  auto payload = xmpp::decodeSaslPayload(element.text(), 4096);
  if (!payload) {
    fail("loadgen.auth", "bad SASL payload: " + payload.error().describe());
    return;
  }
  if (name == "challenge") {
    if (!payload->has_value()) {
      fail("loadgen.auth", "empty SCRAM challenge");
      return;
    }
    auto final = scram_->handleServerFirst(**payload);
    if (!final) {
      fail("loadgen.auth", final.error().describe());
      return;
    }
    xml::Element response("response", std::string(ns::sasl));
    response.addText(xmpp::encodeSaslPayload(*final));
    send(response);
    return;
  }
  // <success/> carries server-final-message, the server's proof that it knows
  // the password (RFC 6120 6.3.10).
  if (!payload->has_value()) {
    fail("loadgen.auth", "SASL success without the SCRAM server signature");
    return;
  }
  if (auto verified = scram_->handleServerFinal(**payload); !verified) {
    fail("loadgen.auth", verified.error().describe());
    return;
  }
  cache_.remember(config_.username, *scram_);
  scram_.reset();
  parser_.reset();  // the rest of this input belongs to the new stream
  openStream();
  if (config_.stopAfterAuth) {
    loginTimer_.cancel();
    observer_.onAuthenticated(*this);
    close();  // on the new stream, as the server expects after SASL
    return;
  }
  state_ = State::awaitingBindFeatures;
}

void ClientSession::handleIq(const xml::Element& iq) {
  const std::string_view type = xmpp::stanzaType(iq);
  if (type == "get" || type == "set") {
    const xml::Element* payload = xmpp::iqPayload(iq);
    if (type == "get" && payload != nullptr && payload->is("ping", ns::ping)) {
      send(xmpp::makeIqResult(iq));
    } else {
      xmpp::StanzaError e;
      e.condition = xmpp::StanzaErrorCondition::serviceUnavailable;
      send(xmpp::makeIqError(iq, e));
    }
    return;
  }
  const std::string_view id = xmpp::stanzaId(iq);
  if (type == "error") {
    if (id == kBindId || id == kSessionId) {
      const xml::Element* error = iq.child("error", ns::client);
      fail("loadgen.bind",
           "resource binding refused: " + (error != nullptr ? describeCondition(*error, ns::stanzas)
                                                            : std::string("(no <error/>)")));
      return;
    }
    if (id != kPingId) {
      observer_.onStanzaError(*this, iq);
      return;
    }
    // A server without XEP-0199 answers the ping with an error: still an answer.
  } else if (type != "result") {
    return;  // not an iq the RFC knows; ignore rather than guess
  }
  if (id == kBindId && state_ == State::binding) {
    const xml::Element* bind = iq.child("bind", ns::bind);
    jid_ = bind != nullptr ? bind->childText("jid", ns::bind) : std::string();
    if (jid_.empty() || jid_.size() > 3071) {
      fail("loadgen.bind", "bind result without a usable JID");
      return;
    }
    if (sessionRequired_) {
      state_ = State::startingSession;
      xml::Element session("iq", std::string(ns::client));
      session.setAttr("type", "set").setAttr("id", kSessionId);
      session.addChild("session", std::string(ns::session));
      send(session);
      return;
    }
    sendPresenceAndPing();
  } else if (id == kSessionId && state_ == State::startingSession) {
    sendPresenceAndPing();
  } else if (id == kPingId && state_ == State::awaitingPing) {
    loginTimer_.cancel();
    state_ = State::ready;
    observer_.onReady(*this);
  }
}

void ClientSession::sendPresenceAndPing() {
  state_ = State::awaitingPing;
  send(xml::Element("presence", std::string(ns::client)));
  xml::Element ping("iq", std::string(ns::client));
  ping.setAttr("type", "get").setAttr("id", kPingId).setAttr("to", config_.domain);
  ping.addChild("ping", std::string(ns::ping));
  send(ping);
}

void ClientSession::handleMessage(const xml::Element& message) {
  if (xmpp::stanzaType(message) == "error") {
    observer_.onStanzaError(*this, message);
    return;
  }
  const xml::Element* body = message.child("body", ns::client);
  if (body == nullptr) return;  // chat states, receipts: nothing to measure
  // A body is normally one text node; text() would copy it, this does not.
  const auto& nodes = body->nodes();
  std::string_view text;
  if (nodes.size() == 1 && nodes[0].isText()) text = nodes[0].text();
  std::string joined;
  if (nodes.size() > 1) {
    joined = body->text();
    text = joined;
  }
  observer_.onChat(*this, xmpp::stanzaFrom(message), text);
}

void ClientSession::sendChat(std::string_view to, std::string_view id, std::string_view body) {
  if (state_ != State::ready) return;
  chat_.setAttr("to", to);
  chat_.setAttr("id", id);
  xml::Element& b = chat_.nodes().back().element();
  b.clearChildren();
  b.addText(body);
  send(chat_);
}

void ClientSession::close() {
  switch (state_) {
    case State::closed:
    case State::closing: return;
    case State::idle: finish(); return;
    case State::connecting:
      // The connect completes later and finds the session no longer connecting.
      finish();
      return;
    default: break;
  }
  loginTimer_.cancel();
  state_ = State::closing;
  outBuffer_.clear();
  xml::writeStreamClose(outBuffer_);
  stream_->send(outBuffer_);
  closeTimer_.start(kCloseGrace, [this] {
    if (stream_) stream_->close();
  });
}

void ClientSession::abort() {
  if (state_ == State::closed) return;
  state_ = State::closing;  // a deliberate close, not a failure
  if (stream_) {
    stream_->abort();  // onClosed -> finish()
  } else {
    finish();
  }
}

void ClientSession::fail(std::string code, std::string message) {
  // Once closing, trouble is the end of the conversation, not a failure.
  if (state_ == State::closing || state_ == State::closed || error_) return;
  error_ = base::Error{std::move(code), std::move(message), {}};
  const State was = state_;
  state_ = State::closing;  // what follows is the consequence, not a second failure
  observer_.onFailed(*this);
  if (stream_ && was != State::connecting) {
    stream_->abort();  // -> onClosed -> finish()
  } else {
    finish();
  }
}

void ClientSession::finish() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  loginTimer_.cancel();
  closeTimer_.cancel();
  observer_.onClosed(*this);
}

}  // namespace keyfed::loadgen
