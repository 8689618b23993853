#include "sm_stream.hpp"

#include <utility>

#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::sm {

SmStream::SmStream(server::Server& server, server::ClientSession& session, SmConfig config,
                   std::string resumeId)
    : server_(server), session_(&session), config_(config), resumeId_(std::move(resumeId)) {}

void SmStream::outbound(server::ClientSession& session, const xml::Element& stanza) {
  unacked_.push(stanza);
  session.sendPast(*this, stanza);  // dropped by the transport while detached; kept here
  if (detached_) deferred(stanza);
  if (unacked_.size() > config_.maxUnacked) {
    if (!ending_) {
      ending_ = true;
      // Ending the session hands the queue to offline storage or bounces it.
      session.closeWithError(xmpp::StreamErrorCondition::resourceConstraint,
                             "too many unacknowledged stanzas");
    }
    return;
  }
  requestAck();
}

// The message waits in the queue for a resumption that may never come: the
// session's device may need waking (docs/modules.md, "message/deferred").
void SmStream::deferred(const xml::Element& stanza) {
  constexpr std::string_view kEvent = "message/deferred";
  auto& stanzas = server_.hooks().stanzas;
  if (xmpp::stanzaKind(stanza) != xmpp::StanzaKind::message || !stanzas.hasHandlers(kEvent)) {
    return;
  }
  xml::Element copy = stanza;  // the event's stanza is mutable; the queue's copy stays as sent
  xmpp::Jid from;
  if (auto parsed = xmpp::Jid::parse(xmpp::stanzaFrom(stanza))) from = std::move(*parsed);
  server::StanzaEvent event{server_, copy, nullptr, std::move(from), session_->jid()};
  stanzas.fire(kEvent, event);
}

// One <r/> after a burst of stanzas rather than one per stanza: posted, so
// everything written in this turn of the loop is covered by it.
void SmStream::requestAck() {
  if (ackRequested_ || detached_) return;
  ackRequested_ = true;
  server_.loop().post([weak = weak_from_this()] {
    auto self = weak.lock();
    if (!self || self->detached_ || self->ending_) return;
    self->session_->sendDirect(xml::Element("r", std::string(kSmNs)));
  });
}

bool SmStream::keepAfterConnectionLoss(server::ClientSession& session) {
  if (resumeId_.empty() || ending_) return false;
  detached_ = true;
  resumeTimer_ = std::make_unique<net::Timer>(server_.loop());
  resumeTimer_->start(config_.resumeTimeout, [this] {
    ending_ = true;
    session_->closeWithError(xmpp::StreamErrorCondition::connectionTimeout, "not resumed in time");
  });
  (void)session;
  return true;
}

void SmStream::resumedOn(server::ClientSession& fresh) {
  session_ = &fresh;
  detached_ = false;
  ackRequested_ = false;
  if (resumeTimer_) resumeTimer_->cancel();
  resumeTimer_.reset();
  xml::Element resumed("resumed", std::string(kSmNs));
  resumed.setAttr("previd", resumeId_);
  resumed.setAttr("h", std::to_string(handled_));
  fresh.sendDirect(resumed);
  // XEP-0198 5: the unacknowledged stanzas again, in order; they stay queued
  // until acknowledged on this connection.
  for (const auto& stanza : unacked_.pending()) fresh.sendDirect(stanza);
  if (!unacked_.empty()) requestAck();
}

std::deque<xml::Element> SmStream::takeUnacked() {
  ending_ = true;
  if (resumeTimer_) resumeTimer_->cancel();
  return unacked_.takeAll();
}

}  // namespace keyfed::modules::sm
