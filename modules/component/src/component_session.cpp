#include "component_session.hpp"

#include <algorithm>

#include "component_module.hpp"
#include "handshake.hpp"
#include "keyfed/base/hex.hpp"
#include "keyfed/server/stream_limits.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/scram.hpp"  // randomBytes
#include "keyfed/xmpp/stanza.hpp"
#include "stanza_rules.hpp"

namespace keyfed::modules::component {
namespace {

using xmpp::StreamErrorCondition;
namespace ns = xmpp::ns;

const xml::Prefix& streamPrefix() {
  static const xml::Prefix prefix{"stream", std::string(xml::kStreamNamespace)};
  return prefix;
}

// The stream's default namespace for a stanza: stanzas from clients
// (jabber:client) and servers (jabber:server) are written as the component's
// own, which differ from them only in that implicit namespace.
std::string_view writtenAs(const xml::Element& stanza) {
  if (stanza.ns() == ns::client || stanza.ns() == ns::server) return stanza.ns();
  return ns::component;
}

}  // namespace

ComponentSession::ComponentSession(ComponentModule& owner, server::Server& server,
                                   std::unique_ptr<net::ByteStream> stream)
    : owner_(owner),
      server_(server),
      stream_(std::move(stream)),
      parser_(*this, server::streamParserLimits(
                         server.config(), server.config().limits.c2sStanzaSize, ns::component)),
      timer_(server.loop()),
      remote_(stream_->remoteAddress()) {
  connectedAt_ = lastActivity_ = server_.clock().steadyNow();
}

ComponentSession::~ComponentSession() {
  if (route_ != nullptr && route_->connected == this) route_->connected = nullptr;
}

void ComponentSession::start() {
  server_.trackConnection();
  stream_->start(this);
  armTimer();
}

// --- timers ----------------------------------------------------------------------------

std::chrono::seconds ComponentSession::idleTimeout() const {
  const auto configured = route_ != nullptr ? route_->entry.idleTimeout : std::chrono::seconds{0};
  return configured.count() != 0 ? configured : server_.config().limits.c2sIdleTimeout;
}

// One timer, re-armed lazily: activity (whitespace keepalives included) only
// updates a timestamp.
void ComponentSession::armTimer() {
  const auto now = server_.clock().steadyNow();
  const auto deadline = state_ == State::connected
                            ? lastActivity_ + idleTimeout()
                            : connectedAt_ + server_.config().limits.authTimeout;
  const auto wait = std::max(deadline - now, std::chrono::steady_clock::duration{0});
  timer_.start(wait + std::chrono::milliseconds(10), [this] { onTimer(); });
}

void ComponentSession::onTimer() {
  if (closing_) return;
  const auto now = server_.clock().steadyNow();
  if (state_ != State::connected && now - connectedAt_ >= server_.config().limits.authTimeout) {
    closeWithError(StreamErrorCondition::connectionTimeout, "no handshake in time");
    return;
  }
  if (state_ == State::connected && now - lastActivity_ >= idleTimeout()) {
    closeWithError(StreamErrorCondition::connectionTimeout, "idle for too long");
    return;
  }
  armTimer();
}

// --- bytes in and out -------------------------------------------------------------------

void ComponentSession::onBytes(std::string_view bytes) {
  if (closing_) return;
  lastActivity_ = server_.clock().steadyNow();
  auto fed = parser_.feed(bytes);
  if (!fed && !closing_) {
    const auto fault = parser_.fault().value_or(xml::StreamFault::notWellFormed);
    closeWithError(xmpp::streamErrorFor(fault), fed.error().message);
  }
}

void ComponentSession::write(const xml::Element& element, std::string_view defaultNs) {
  out_.clear();
  xml::serialize(element, out_, xml::WriteContext{defaultNs, {&streamPrefix(), 1}, {}});
  stream_->send(out_);
}

void ComponentSession::send(const xml::Element& stanza) {
  if (closing_ || state_ != State::connected) return;
  write(stanza, writtenAs(stanza));
}

void ComponentSession::sendHeader(std::string_view from) {
  xml::StreamHeader header;
  header.defaultNs = std::string(ns::component);
  header.from = std::string(from);
  header.id = streamId_ = base::toHex(xmpp::randomBytes(16));
  out_.clear();
  xml::writeStreamHeader(header, out_);
  stream_->send(out_);
  headerSent_ = true;
}

void ComponentSession::sendClose() {
  out_.clear();
  xml::writeStreamClose(out_);
  stream_->send(out_);
}

void ComponentSession::closeWithError(StreamErrorCondition condition, std::string_view text) {
  if (closing_) return;
  if (!headerSent_) sendHeader({});
  write(xmpp::makeStreamError(condition, text), ns::component);
  sendClose();
  end();
}

void ComponentSession::onStreamClose() {
  if (closing_) return;
  sendClose();
  end();
}

// Stops routing to this session at once; the connection closes after the
// queued bytes are written.
void ComponentSession::end() {
  closing_ = true;
  timer_.cancel();
  leaveRoute("disconnected");
  stream_->close();
}

void ComponentSession::onClosed(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  if (!closing_) {
    closing_ = true;
    timer_.cancel();
    owner_.log().debug("component connection from {} lost: {}", remote_, reason);
    leaveRoute("lost its connection");
  }
  server_.untrackConnection();
  owner_.release(this);
}

// The domain is no longer routed here (stanzas for it bounce or are dropped).
void ComponentSession::leaveRoute(std::string_view how) {
  if (route_ == nullptr || route_->connected != this) return;
  route_->connected = nullptr;
  owner_.log().info("component {} {} ({})", route_->entry.domain, how, remote_);
}

// --- the stream header and the handshake ------------------------------------------------

void ComponentSession::onStreamOpen(const xml::StreamHeader& header) {
  if (closing_) return;
  auto to = xmpp::Jid::parse(header.to);
  route_ = to && to->isDomain() ? owner_.findRoute(to->domain()) : nullptr;
  if (route_ == nullptr) {
    closeWithError(StreamErrorCondition::hostUnknown, "no component is configured for that domain");
    return;
  }
  sendHeader(route_->entry.domain);
  state_ = State::awaitingHandshake;
}

void ComponentSession::onStanza(xml::Element&& stanza) {
  if (closing_) return;
  if (state_ == State::connected) {
    handleStanza(std::move(stanza));
    return;
  }
  if (stanza.is("handshake", ns::component)) {
    handleHandshake(stanza);
    return;
  }
  closeWithError(StreamErrorCondition::notAuthorized, "send the handshake first");
}

void ComponentSession::handleHandshake(const xml::Element& handshake) {
  const std::string& domain = route_->entry.domain;
  const auto now = server_.clock().steadyNow();
  if (owner_.throttle().blocked(remote_, now)) {
    owner_.log().info("component handshake for {} from {} refused: too many failures", domain,
                      remote_);
    closeWithError(StreamErrorCondition::policyViolation,
                   "too many failed handshakes from this address; try later");
    return;
  }
  const std::string expected = handshakeDigest(streamId_, route_->entry.secret);
  if (!handshakeMatches(expected, handshake.text())) {
    owner_.throttle().recordFailure(remote_, now);
    // One line per failure, with the address: what fail2ban and auditors read.
    owner_.log().info("component handshake failed for {} from {}", domain, remote_);
    closeWithError(StreamErrorCondition::notAuthorized, "wrong handshake");
    return;
  }
  if (route_->connected != nullptr) {
    // As Prosody: the component already connected keeps the domain.
    owner_.log().info("component {} from {} refused: already connected from {}", domain, remote_,
                      route_->connected->remoteAddress());
    closeWithError(StreamErrorCondition::conflict, "this component is already connected");
    return;
  }
  route_->connected = this;
  state_ = State::connected;
  lastActivity_ = now;
  armTimer();
  write(xml::Element("handshake", std::string(ns::component)), ns::component);
  owner_.log().info("component {} connected from {}", domain, remote_);
}

// --- stanzas ------------------------------------------------------------------------------

void ComponentSession::handleStanza(xml::Element&& stanza) {
  if (xmpp::stanzaKind(stanza) == xmpp::StanzaKind::other) {
    closeWithError(StreamErrorCondition::unsupportedStanzaType,
                   "only message, presence and iq after the handshake");
    return;
  }
  const Inbound inbound = checkFromComponent(stanza, route_->entry.domain);
  switch (inbound.verdict) {
    case Inbound::Verdict::invalidFrom:
      owner_.log().info("component {} sent from '{}': closing with invalid-from",
                        route_->entry.domain, stanza.attr("from"));
      closeWithError(StreamErrorCondition::invalidFrom,
                     "'from' must be the component's domain or a JID at it");
      return;
    case Inbound::Verdict::replyError: replyError(stanza, inbound.error); return;
    case Inbound::Verdict::route: break;
  }
  server_.route(std::move(stanza), this);
}

// An answer straight to the component (its stanza could not be routed at all).
void ComponentSession::replyError(const xml::Element& stanza,
                                  xmpp::StanzaErrorCondition condition) {
  if (!xmpp::canReplyWithError(stanza)) return;
  xmpp::StanzaError error;
  error.condition = condition;
  auto reply = xmpp::stanzaKind(stanza) == xmpp::StanzaKind::iq
                   ? xmpp::makeIqError(stanza, error)
                   : xmpp::makeErrorReply(stanza, error);
  reply.setAttr("to", stanza.attr("from"));
  reply.removeAttr("from");
  send(reply);
}

}  // namespace keyfed::modules::component
