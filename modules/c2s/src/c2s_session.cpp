#include "c2s_session.hpp"

#include <algorithm>

#include "c2s_module.hpp"
#include "keyfed/base/hex.hpp"
#include "keyfed/server/stream_limits.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::c2s {
namespace {

using xmpp::StreamErrorCondition;
namespace ns = xmpp::ns;

// How long a stream must be quiet before its parser is put to sleep: long
// enough that a conversation in progress keeps its parser, short enough
// that the thousands of idle connections of a busy server do not hold one.
constexpr std::chrono::seconds kHibernateAfter{1};

// RFC 6120 4.7.5: version "1.0"; a higher major version is not ours to speak.
bool supportedVersion(std::string_view version) {
  if (version.empty()) return false;  // pre-RFC 3920 streams are not supported
  const auto dot = version.find('.');
  const auto major = version.substr(0, dot);
  return major == "1";
}

std::unique_ptr<StreamFraming> makeFraming(Framing framing, xml::StreamHandler& handler,
                                           xml::ParserLimits limits) {
  switch (framing) {
    case Framing::websocket: return makeWebSocketFraming(handler, std::move(limits));
    case Framing::bosh: return makeBoshFraming(handler, std::move(limits));
    case Framing::tcp: break;
  }
  return makeTcpFraming(handler, std::move(limits));
}

}  // namespace

xml::ParserLimits c2sParserLimits(const config::Config& config) {
  return server::streamParserLimits(config, config.limits.c2sStanzaSize, ns::client);
}

C2sSession::C2sSession(C2sModule& owner, server::Server& server,
                       std::unique_ptr<net::ByteStream> stream, Framing framing)
    : owner_(owner),
      server_(server),
      stream_(std::move(stream)),
      framing_(makeFraming(framing, *this, c2sParserLimits(server.config()))),
      timer_(server.loop()),
      remote_(stream_->remoteAddress()) {
  connectedAt_ = lastActivity_ = server_.clock().steadyNow();
}

C2sSession::~C2sSession() {
  unbind();
}

void C2sSession::start() {
  server_.trackConnection();
  stream_->start(this);
  armTimer();
}

// --- timers ----------------------------------------------------------------------------

// One timer per session, re-armed lazily: activity only updates a timestamp,
// so a busy stream does not touch the timer queue for every read. It also
// puts the XML parser of a quiet stream to sleep (kHibernateAfter).
void C2sSession::armTimer() {
  const auto& limits = server_.config().limits;
  const auto now = server_.clock().steadyNow();
  auto deadline =
      bound() ? lastActivity_ + limits.c2sIdleTimeout : connectedAt_ + limits.authTimeout;
  if (!framing_->hibernating() && hibernateTriedAt_ != lastActivity_) {
    deadline = std::min(deadline, lastActivity_ + kHibernateAfter);
  }
  const auto wait = std::max(deadline - now, std::chrono::steady_clock::duration{0});
  timer_.start(wait + std::chrono::milliseconds(10), [this] { onTimer(); });
}

void C2sSession::onTimer() {
  if (closing_) return;
  const auto& limits = server_.config().limits;
  const auto now = server_.clock().steadyNow();
  if (!bound() && now - connectedAt_ >= limits.authTimeout) {
    closeWithError(StreamErrorCondition::connectionTimeout, "authentication took too long");
    return;
  }
  if (bound() && now - lastActivity_ >= limits.c2sIdleTimeout) {
    closeWithError(StreamErrorCondition::connectionTimeout, "idle for too long");
    return;
  }
  hibernateIfQuiet(now);
  armTimer();
}

// An idle connection should cost little memory (issue 4): after
// kHibernateAfter without a byte from the peer, drop the expat parser (about
// 12 KiB; the next bytes bring a fresh one) and the serialization buffer's
// capacity. Not per read: waking costs a parser creation, which an active
// stream should not pay for every stanza.
void C2sSession::hibernateIfQuiet(std::chrono::steady_clock::time_point now) {
  if (framing_->hibernating() || now - lastActivity_ < kHibernateAfter) return;
  hibernateTriedAt_ = lastActivity_;
  if (framing_->hibernate()) {
    std::string().swap(out_);
    owner_.log().debug("c2s {} ({}): quiet, parser asleep", bound() ? jid().full() : "-", remote_);
  }
}

// --- bytes in and out -------------------------------------------------------------------

void C2sSession::onBytes(std::string_view bytes) {
  if (closing_) return;
  lastActivity_ = server_.clock().steadyNow();
  const bool wasAsleep = framing_->hibernating();
  auto fed = framing_->feed(bytes);
  if (!fed && !closing_) {
    const auto fault = framing_->fault().value_or(xml::StreamFault::notWellFormed);
    closeWithError(xmpp::streamErrorFor(fault), fed.error().message);
    return;
  }
  // The timer of a sleeping parser waits for the idle timeout only: once
  // awake, the next quiet second must put it to sleep again.
  if (wasAsleep && !closing_) armTimer();
}

void C2sSession::sendRaw(std::string_view bytes) {
  stream_->send(bytes);
}

void C2sSession::write(const xml::Element& stanza) {
  if (closing_ || detached_) return;
  out_.clear();
  // Stanzas from s2s are in jabber:server: write them as the client's stanzas,
  // which differ only in the (implicit) default namespace.
  const std::string_view defaultNs = stanza.ns() == ns::server ? ns::server : ns::client;
  framing_->writeElement(stanza, defaultNs, out_);
  sendRaw(out_);
}

void C2sSession::sendHeader(std::string_view from) {
  xml::StreamHeader header;
  header.defaultNs = std::string(ns::client);
  header.from = std::string(from);
  header.id = streamId_ = base::toHex(xmpp::randomBytes(12));
  header.version = "1.0";
  header.lang = "en";
  out_.clear();
  framing_->writeOpen(header, out_);
  sendRaw(out_);
  headerSent_ = true;
}

void C2sSession::closeWithError(StreamErrorCondition condition, std::string_view text) {
  if (detached_) {
    // No connection to write to: the end of a kept session is its unbinding.
    detached_ = false;
    unbind();
    owner_.release(this);
    return;
  }
  if (closing_) return;
  if (!headerSent_) sendHeader(server_.config().virtualHosts.front().domain);
  out_.clear();
  framing_->writeElement(xmpp::makeStreamError(condition, text), ns::client, out_);
  sendRaw(out_);
  sendClose();
  closing_ = true;
  timer_.cancel();
  unbind();
  stream_->close();
}

void C2sSession::onStreamClose() {
  if (closing_) return;
  closing_ = true;
  timer_.cancel();
  unbind();
  sendClose();
  stream_->close();
}

void C2sSession::sendClose() {
  out_.clear();
  framing_->writeClose(out_);
  sendRaw(out_);
}

void C2sSession::onClosed(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  const bool lost = !closing_;  // neither side ended the stream
  closing_ = true;
  timer_.cancel();
  server_.untrackConnection();
  if (lost && registered_ && keptAfterConnectionLoss()) {
    detached_ = true;
    owner_.log().debug("{} lost its connection ({}); kept for resumption", jid().full(), reason);
    return;
  }
  unbind();
  owner_.release(this);
}

bool C2sSession::resumeOnto(server::ClientSession& fresh) {
  auto* next = dynamic_cast<C2sSession*>(&fresh);
  if (next == nullptr || next == this || &next->owner_ != &owner_ || !registered_ ||
      next->bound() || next->user() != user() || next->host() != host()) {
    return false;
  }
  server_.sessions().remove(*this);
  registered_ = false;
  next->adoptFrom(*this);
  server_.sessions().add(*next);
  next->registered_ = true;
  next->lastActivity_ = server_.clock().steadyNow();
  next->armTimer();
  retire();
  return true;
}

// Ends this session without unbinding: its identity lives on elsewhere.
void C2sSession::retire() {
  if (detached_) {
    detached_ = false;
    owner_.release(this);
    return;
  }
  if (closing_) return;
  closing_ = true;
  timer_.cancel();
  stream_->close();  // onClosed() releases it
}

void C2sSession::onTlsEstablished() {
  // STARTTLS (or direct TLS): the client starts a new stream over TLS.
  framing_->restart();
  headerSent_ = false;
}

// --- the stream header --------------------------------------------------------------------

void C2sSession::onStreamOpen(const xml::StreamHeader& header) {
  if (closing_) return;
  const auto* host = server_.config().findHost(header.to);
  if (host == nullptr) {
    closeWithError(StreamErrorCondition::hostUnknown, "this server does not serve that domain");
    return;
  }
  if (authenticated() && host->domain != this->host()) {
    closeWithError(StreamErrorCondition::hostUnknown, "the stream restarted for another domain");
    return;
  }
  sendHeader(host->domain);
  if (!supportedVersion(header.version)) {
    closeWithError(StreamErrorCondition::unsupportedVersion, "only XMPP 1.0 streams are served");
    return;
  }
  setStreamDomain(host->domain);
  sendFeatures();
}

bool C2sSession::tlsRequiredButMissing() const {
  return server_.config().c2s.requireTls && !stream_->isTls();
}

std::vector<xmpp::ChannelBinding> C2sSession::channelBindings() const {
  std::vector<xmpp::ChannelBinding> out;
  if (!stream_->isTls()) return out;
  if (auto exporter = stream_->tlsExporter(); !exporter.empty()) {
    out.push_back({std::string(xmpp::kTlsExporter), std::move(exporter)});
  }
  // tls-unique only where it is sound (TLS 1.2 with EMS): older clients know nothing else.
  if (auto unique = stream_->tlsUnique(); !unique.empty()) {
    out.push_back({"tls-unique", std::move(unique)});
  }
  return out;
}

std::vector<std::string> C2sSession::offeredMechanisms(
    const std::vector<xmpp::ChannelBinding>& bindings) const {
  std::vector<std::string> out;
  if (tlsRequiredButMissing()) return out;
  const bool tls = stream_->isTls();
  const bool canBind = !bindings.empty();
  for (const auto& mechanism : server_.config().c2s.mechanisms) {
    if (mechanism == "PLAIN" && !tls) continue;  // never a password in the clear
    if (mechanism.ends_with("-PLUS") && !canBind) continue;
    out.push_back(mechanism);
  }
  return out;
}

void C2sSession::sendFeatures() {
  xml::Element features("features", std::string(ns::stream));
  const bool tlsAvailable = server_.tlsContext() != nullptr;
  if (!authenticated()) {
    if (!stream_->isTls() && tlsAvailable) {
      auto& starttls = features.addChild("starttls", std::string(ns::tls));
      if (server_.config().c2s.requireTls) starttls.addChild("required", std::string(ns::tls));
    }
    const auto bindings = channelBindings();
    const auto mechanisms = offeredMechanisms(bindings);
    if (!mechanisms.empty()) {
      auto& list = features.addChild("mechanisms", std::string(ns::sasl));
      for (const auto& m : mechanisms) list.addChild("mechanism", std::string(ns::sasl)).addText(m);
      if (!bindings.empty()) {
        auto& cb = features.addChild("sasl-channel-binding", std::string(ns::saslChannelBinding));
        for (const auto& b : bindings) {
          cb.addChild("channel-binding", std::string(ns::saslChannelBinding))
              .setAttr("type", b.type);
        }
      }
    }
    if (!tlsRequiredButMissing()) {
      server::FeaturesEvent event{server_, *this, features, false};
      server_.hooks().features.fire("c2s-features", event);
    }
  } else {
    features.addChild("bind", std::string(ns::bind));
    // RFC 6121 legacy session establishment, optional: old clients still ask.
    features.addChild("session", std::string(ns::session))
        .addChild("optional", std::string(ns::session));
    server::FeaturesEvent event{server_, *this, features, true};
    server_.hooks().features.fire("c2s-features", event);
  }
  send(features);
}

// --- stanzas ------------------------------------------------------------------------------

void C2sSession::onStanza(xml::Element&& stanza) {
  if (closing_) return;
  if (bound()) {
    if (xmpp::stanzaKind(stanza) != xmpp::StanzaKind::other) {
      noteInbound(stanza);
      server_.processFromClient(*this, std::move(stanza));
      return;
    }
    fireNonza(stanza);
    return;
  }
  if (stanza.is("starttls", ns::tls)) {
    handleStartTls();
    return;
  }
  if (stanza.ns() == ns::sasl) {
    handleSasl(stanza);
    return;
  }
  handleBeforeBind(std::move(stanza));
}

// Top-level elements that are not stanzas belong to modules (stream
// management, CSI); nobody taking one is a protocol error.
void C2sSession::fireNonza(xml::Element& nonza) {
  server::StanzaEvent event{server_, nonza, this, jid(), {}};
  if (!server_.hooks().stanzas.fire("c2s-nonza/" + nonza.ns(), event)) {
    closeWithError(StreamErrorCondition::unsupportedStanzaType);
  }
}

void C2sSession::handleStartTls() {
  if (stream_->isTls() || server_.tlsContext() == nullptr || authenticated()) {
    send(xml::Element("failure", std::string(ns::tls)));
    sendClose();
    closing_ = true;
    timer_.cancel();
    unbind();
    stream_->close();
    return;
  }
  // The next bytes are the TLS handshake, not XML.
  if (!framing_->stopForTls()) return;  // unreachable: such streams are TLS already
  sendRaw("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  stream_->startTls(server_.tlsContext());
}

void C2sSession::handleSasl(const xml::Element& element) {
  if (authenticated()) {
    closeWithError(StreamErrorCondition::policyViolation, "already authenticated");
    return;
  }
  if (tlsRequiredButMissing()) {
    xml::Element failure("failure", std::string(ns::sasl));
    failure.addChild("encryption-required", std::string(ns::sasl));
    send(failure);
    return;
  }
  const auto now = server_.clock().steadyNow();
  if (element.name() == "auth" && owner_.throttle().blocked(remote_, now)) {
    xml::Element failure("failure", std::string(ns::sasl));
    failure.addChild("temporary-auth-failure", std::string(ns::sasl));
    failure.addChild("text", std::string(ns::sasl)).addText("too many failed attempts; try later");
    send(failure);
    return;
  }
  if (!sasl_) {
    auto bindings = channelBindings();
    auto mechanisms = offeredMechanisms(bindings);
    sasl_.emplace(server_.storage().accounts(), streamDomain(), std::move(mechanisms),
                  std::move(bindings));
  }
  auto step = sasl_->handle(element);
  send(step.reply);
  if (step.kind == SaslStep::Kind::failure) {
    if (step.guess) owner_.throttle().recordFailure(remote_, now);
    // One line per failure, with the address: what fail2ban and auditors read.
    owner_.log().info("authentication failed from {} on {}: {}", remote_, streamDomain(),
                      step.reason);
    return;
  }
  if (step.kind == SaslStep::Kind::success) {
    setAccount(std::move(step.user), streamDomain());
    sasl_.reset();
    // RFC 6120 6.4.6: the client restarts the stream right after <success/>.
    framing_->restart();
    headerSent_ = false;
  }
}

void C2sSession::replyIqError(const xml::Element& iq, xmpp::StanzaErrorCondition condition) {
  if (!xmpp::canReplyWithError(iq)) return;
  xmpp::StanzaError error;
  error.condition = condition;
  auto reply = xmpp::makeIqError(iq, error);
  reply.removeAttr("from");
  send(reply);
}

void C2sSession::handleBeforeBind(xml::Element&& stanza) {
  const bool isIq = xmpp::stanzaKind(stanza) == xmpp::StanzaKind::iq;
  if (!authenticated()) {
    if (isIq && !tlsRequiredButMissing() && !streamDomain().empty()) {
      handlePreAuthIq(std::move(stanza));
      return;
    }
    closeWithError(StreamErrorCondition::notAuthorized, "authenticate first");
    return;
  }
  if (isIq && xmpp::iqPayload(stanza) != nullptr && xmpp::iqPayload(stanza)->is("bind", ns::bind)) {
    handleBind(stanza);
    return;
  }
  // Stream management resumes a session instead of binding one (XEP-0198 5).
  if (!xmpp::isStanzaNamespace(stanza.ns())) {
    server::StanzaEvent event{server_, stanza, this, {}, {}};
    if (server_.hooks().stanzas.fire("c2s-nonza/" + stanza.ns(), event)) return;
  }
  closeWithError(StreamErrorCondition::notAuthorized, "bind a resource first");
}

void C2sSession::handlePreAuthIq(xml::Element&& iq) {
  const auto* payload = xmpp::iqPayload(iq);
  if (payload == nullptr || !xmpp::isIqRequest(iq)) {
    closeWithError(StreamErrorCondition::notAuthorized, "authenticate first");
    return;
  }
  if (payload->is("bind", ns::bind)) {
    closeWithError(StreamErrorCondition::notAuthorized, "authenticate before binding");
    return;
  }
  server::StanzaEvent event{server_, iq, this, {}, {}};
  if (!server_.hooks().stanzas.fire("iq-preauth/" + payload->ns(), event)) {
    replyIqError(iq, xmpp::StanzaErrorCondition::serviceUnavailable);
  }
}

void C2sSession::handleBind(const xml::Element& iq) {
  if (xmpp::stanzaType(iq) != "set") {
    replyIqError(iq, xmpp::StanzaErrorCondition::badRequest);
    return;
  }
  const std::string requested = iq.child("bind", ns::bind)->childText("resource", ns::bind);
  auto bare = xmpp::Jid::make(user(), host());
  if (!bare) {
    closeWithError(StreamErrorCondition::internalServerError);
    return;
  }
  base::Result<xmpp::Jid> full = requested.empty()
                                     ? bare->withResource(base::toHex(xmpp::randomBytes(8)))
                                     : bare->withResource(requested);
  if (!full) {
    replyIqError(iq, xmpp::StanzaErrorCondition::badRequest);
    return;
  }
  auto& registry = server_.sessions();
  if (auto* existing = registry.find(*full)) {
    // RFC 6120 7.7.2.2: the newer session wins; the older one is told why it ends.
    existing->closeWithError(StreamErrorCondition::conflict, "replaced by a new connection");
    registry.remove(*existing);
  } else if (registry.resources(bare->bareView()).size() >= C2sModule::kMaxResourcesPerAccount) {
    replyIqError(iq, xmpp::StanzaErrorCondition::resourceConstraint);
    return;
  }
  setJid(std::move(*full));
  registry.add(*this);
  registered_ = true;
  lastActivity_ = server_.clock().steadyNow();
  armTimer();

  auto result = xmpp::makeIqResult(iq);
  result.removeAttr("from");
  result.setAttr("to", jid().full());
  result.addChild("bind", std::string(ns::bind))
      .addChild("jid", std::string(ns::bind))
      .addText(jid().full());
  send(result);
  server::SessionEvent event{server_, *this};
  server_.hooks().sessions.fire("resource-bound", event);
}

void C2sSession::unbind() {
  if (!registered_) return;
  registered_ = false;
  server::SessionEvent event{server_, *this};
  server_.hooks().sessions.fire("resource-unbound", event);
  server_.sessions().remove(*this);
}

}  // namespace keyfed::modules::c2s
