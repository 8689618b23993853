#include "s2s_out_session.hpp"

#include <algorithm>

#include "agent_only.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/sasl.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "s2s_module.hpp"

namespace keyfed::modules::s2s {
namespace {

using xmpp::StanzaErrorCondition;
using xmpp::StreamErrorCondition;
namespace ns = xmpp::ns;

// Stanzas from local clients are in jabber:client, and so are their children
// that inherit it (<body/>): on a server stream they belong to jabber:server.
void toServerNamespace(xml::Element& element) {
  if (element.ns() == ns::client) element.setNs(std::string(ns::server));
  for (auto& node : element.nodes()) {
    if (auto* child = node.asElement()) toServerNamespace(*child);
  }
}

std::string domainOf(std::string_view text) {
  auto jid = xmpp::Jid::parse(text);
  if (!jid || !jid->isDomain()) return {};
  return std::string(jid->domain());
}

std::string seconds(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

}  // namespace

S2sOutSession::S2sOutSession(S2sModule& owner, std::uint64_t id, std::string local,
                             std::string remote)
    : S2sStream(owner, id),
      local_(std::move(local)),
      remote_(std::move(remote)),
      timer_(owner.server().loop()),
      trail_(owner.settings().redirect.maxRedirects) {
  phaseSince_ = server_.clock().steadyNow();
  pairs_[local_] = Pair{false, false, phaseSince_, {}, false};
}

S2sOutSession::~S2sOutSession() = default;

// --- finding and reaching the peer ---------------------------------------------------------

void S2sOutSession::start() {
  phase_ = Phase::resolving;
  phaseSince_ = server_.clock().steadyNow();
  armTimer();
  std::weak_ptr<bool> alive = alive_;
  owner_.resolver().resolve(remote_, [this, alive](auto result) {
    if (alive.expired() || failed_ || closing() || phase_ != Phase::resolving) return;
    if (!result) {
      fail(StanzaErrorCondition::remoteServerNotFound,
           "cannot find " + remote_ + ": " + result.error().message);
      return;
    }
    endpoints_ = std::move(*result);
    tryNextEndpoint();
  });
}

void S2sOutSession::tryNextEndpoint() {
  if (fallbackRefused()) {
    fail(StanzaErrorCondition::remoteServerNotFound,
         "cannot connect to " + remote_ + "'s first record (" + endpoints_.front().host +
             "), and s2s.redirect.fallback is fail_closed: " + lastConnectError_);
    return;
  }
  if (nextEndpoint_ >= endpoints_.size()) {
    fail(StanzaErrorCondition::remoteServerNotFound,
         "cannot connect to " + remote_ +
             (lastConnectError_.empty() ? "" : ": " + lastConnectError_));
    return;
  }
  const net::PeerEndpoint endpoint = endpoints_[nextEndpoint_++];
  phase_ = Phase::connecting;
  phaseSince_ = server_.clock().steadyNow();
  const auto attempt = ++attempt_;
  armTimer();
  const std::string source = owner_.sourceAddressFor(local_);
  owner_.log().debug("s2s out {}: connecting to {} ({}:{}{}){}{}", id(), remote_, endpoint.address,
                     endpoint.port, endpoint.directTls ? ", direct TLS" : "",
                     source.empty() ? "" : " from ", source);
  std::weak_ptr<bool> alive = alive_;
  net::connectTcp(server_.loop(), endpoint.address, endpoint.port, source,
                  [this, alive, attempt, endpoint](auto result) {
                    if (alive.expired() || attempt != attempt_ || failed_ || closing()) return;
                    if (!result) {
                      lastConnectError_ = endpoint.address + ":" + std::to_string(endpoint.port) +
                                          ": " + result.error().message;
                      tryNextEndpoint();
                      return;
                    }
                    directTls_ = endpoint.directTls;
                    if (redirectedBy_.empty()) trail_.begin({endpoint.address, endpoint.port});
                    connected(std::move(*result));
                  });
}

void S2sOutSession::connected(std::unique_ptr<net::ByteStream> stream) {
  server_.trackConnection();
  tracked_ = true;
  phaseSince_ = server_.clock().steadyNow();
  for (auto& [local, pair] : pairs_) pair.since = phaseSince_;
  attach(std::move(stream));
  if (directTls_) {
    phase_ = Phase::startingTls;
    this->stream().startTlsClient(owner_.tlsClient(local_), remote_);
  } else {
    sendHeader();
  }
  armTimer();
}

void S2sOutSession::sendHeader() {
  xml::StreamHeader header;
  header.defaultNs = std::string(ns::server);
  header.from = local_;
  header.to = remote_;
  header.version = "1.0";
  header.prefixes = {{"db", std::string(ns::dialback)}};
  writeHeader(header);
  if (phase_ != Phase::open) phase_ = Phase::opening;
}

// --- negotiation -----------------------------------------------------------------------------

void S2sOutSession::handleHeader(const xml::StreamHeader& header) {
  peerStreamId_ = header.id;
  peerDialback_ = header.prefixUri("db") == ns::dialback;
  if (!header.version.starts_with("1.")) {
    // A pre-1.0 peer sends no features: dialback right away, if allowed.
    if (redirectedWithoutTls()) return;
    if (owner_.settings().requireTls && !isTls()) {
      fail(StanzaErrorCondition::remoteServerNotFound,
           remote_ + " does not support TLS, which this server requires");
      return;
    }
    featuresSeen_ = true;
    sendVerifies();
    if (peerDialback_) {
      phase_ = Phase::open;
      startDialback(local_);
    }
  }
}

void S2sOutSession::handleElement(xml::Element&& element) {
  touch();
  if (element.is("features", ns::stream)) {
    handleFeatures(element);
  } else if (element.is("proceed", ns::tls)) {
    phase_ = Phase::startingTls;
    stopParser();
    stream().startTlsClient(owner_.tlsClient(local_), remote_);
  } else if (element.is("failure", ns::tls)) {
    fail(StanzaErrorCondition::remoteServerNotFound, remote_ + " refused STARTTLS");
  } else if (element.is("success", ns::sasl)) {
    saslSucceeded_ = true;
    saslAgentOnly_ = agentOnlyMarkerOf(element).value_or("");
    restartParser();
    sendHeader();
  } else if (element.is("failure", ns::sasl)) {
    std::string condition = "not-authorized";
    for (const auto& child : element.children({}, ns::sasl)) {
      if (child.name() != "text") condition = child.name();
    }
    owner_.log().info("s2s out {}: {} refused SASL EXTERNAL for {} ({}); trying dialback", id(),
                      remote_, local_, condition);
    if (peerDialback_ || peerOffersDialback_) {
      phase_ = Phase::open;
      startDialback(local_);
    } else {
      fail(StanzaErrorCondition::remoteServerNotFound,
           remote_ + " refused SASL EXTERNAL (" + condition + ") and offers no dialback");
    }
  } else if (element.is("result", ns::dialback)) {
    handleDbResult(element);
  } else if (element.is("verify", ns::dialback)) {
    handleDbVerify(element);
  } else {
    // Streams are one-way (no XEP-0288): the peer has no business sending here.
    owner_.log().debug("s2s out {}: ignored <{}/> from {}", id(), element.name(), remote_);
  }
}

void S2sOutSession::handleTls() {
  owner_.log().debug("s2s out {}: TLS with {} ({})", id(), remote_, stream().tlsVersion());
  certificate_ = owner_.checkCertificate(stream().peerCertificateChain(), remote_);
  if (!redirectedBy_.empty() && !owner_.acceptable(certificate_, remote_)) {
    // The redirector's word is all that led here: only the certificate can
    // show that this is remote_'s server.
    const std::string text =
        "refused the server at " + address() + " that " + redirectedBy_ +
        " redirected to: its certificate does not prove " + remote_ +
        (certificate_.problem.empty() ? "" : " (" + certificate_.problem + ")");
    owner_.log().warn("s2s out {}: {}", id(), text);
    fail(StanzaErrorCondition::remoteServerNotFound, text);
    return;
  }
  redirector_ = provenRedirector();
  sendHeader();
}

void S2sOutSession::handleFeatures(const xml::Element& features) {
  const auto* dialback = features.child("dialback", ns::dialbackFeature);
  peerOffersDialback_ = dialback != nullptr;
  peerDialbackErrors_ = dialback != nullptr && dialback->child("errors", {}) != nullptr;
  if (!isTls()) {
    if (features.child("starttls", ns::tls) != nullptr) {
      phase_ = Phase::startingTls;
      sendElement(xml::Element("starttls", std::string(ns::tls)));
      return;
    }
    if (redirectedWithoutTls()) return;
    if (owner_.settings().requireTls) {
      const std::string text = remote_ + " does not offer STARTTLS, which this server requires";
      failPending(StanzaErrorCondition::remoteServerNotFound, text);
      closeStream(StreamErrorCondition::policyViolation, "this server requires TLS");
      return;
    }
  }
  featuresSeen_ = true;
  sendVerifies();
  if (saslSucceeded_) {
    auto it = pairs_.find(local_);
    if (it != pairs_.end() && !it->second.ready) pairAuthenticated(local_, true, saslAgentOnly_);
    return;
  }
  if (phase_ == Phase::open) return;
  authenticate(features);
}

void S2sOutSession::authenticate(const xml::Element& features) {
  bool offersExternal = false;
  if (const auto* mechanisms = features.child("mechanisms", ns::sasl)) {
    for (const auto& m : mechanisms->children("mechanism", ns::sasl)) {
      if (m.text() == "EXTERNAL") offersExternal = true;
    }
  }
  if (offersExternal && isTls() && owner_.hasCertificate(local_) && !saslTried_) {
    saslTried_ = true;
    phase_ = Phase::sasl;
    xml::Element auth("auth", std::string(ns::sasl));
    auth.setAttr("mechanism", "EXTERNAL").addText(xmpp::encodeSaslPayload(local_));
    sendElement(auth);
    return;
  }
  if (peerDialback_ || peerOffersDialback_) {
    phase_ = Phase::open;
    startDialback(local_);
    return;
  }
  fail(StanzaErrorCondition::remoteServerNotFound,
       "no authentication method in common with " + remote_);
}

void S2sOutSession::startDialback(const std::string& local) {
  const auto key = owner_.keys().make(remote_, local, peerStreamId_);
  pairs_[local].since = server_.clock().steadyNow();
  sendElement(makeDbResultRequest(local, remote_, key));
}

bool S2sOutSession::canMultiplex() const {
  if (closing() || failed_ || phase_ != Phase::open || !peerDialbackErrors_) return false;
  if (owner_.settings().requireTls && !isTls()) return false;
  return std::any_of(pairs_.begin(), pairs_.end(), [](const auto& p) { return p.second.ready; });
}

void S2sOutSession::addPair(const std::string& local) {
  if (pairs_.count(local) != 0) return;
  pairs_[local] = Pair{false, false, server_.clock().steadyNow(), {}, false};
  startDialback(local);
  armTimer();
}

void S2sOutSession::handleDbResult(const xml::Element& element) {
  const std::string local = domainOf(element.attr("to"));
  const std::string type(element.attr("type"));
  auto it = pairs_.find(local);
  if (domainOf(element.attr("from")) == remote_ && it != pairs_.end() && it->second.ready &&
      it->second.peerAgentOnly && type == "valid" && !agentOnlyMarkerOf(element)) {
    // The peer admits the pair now (a grant): it says so with a plain valid.
    it->second.peerAgentOnly = false;
    owner_.log().info("s2s out {}: {} admits {} -> {} now (was agent-only)", id(), remote_, local,
                      remote_);
    owner_.peerAdmitted(*this, local);
    return;
  }
  if (domainOf(element.attr("from")) != remote_ || it == pairs_.end() || it->second.ready ||
      type.empty()) {
    owner_.log().info("s2s out {}: ignored an unsolicited <db:result/> from {}", id(), remote_);
    return;
  }
  if (type == "valid") {
    pairAuthenticated(local, false, agentOnlyMarkerOf(element).value_or(""));
  } else if (type == "invalid") {
    // XEP-0220 2.1.4: the peer says our key is bogus: internal-server-error.
    failPair(local, StanzaErrorCondition::internalServerError,
             remote_ + " did not accept this server's dialback key");
  } else {
    const auto condition = dbErrorCondition(element);
    const auto* error = element.child("error", {});
    std::string text =
        remote_ + " answered dialback with " + std::string(xmpp::conditionName(condition));
    if (error != nullptr) {
      if (auto t = error->childText("text", ns::stanzas); !t.empty()) text += ": " + t;
    }
    failPair(local,
             condition == StanzaErrorCondition::itemNotFound
                 ? StanzaErrorCondition::remoteServerNotFound
                 : StanzaErrorCondition::remoteServerTimeout,
             text);
  }
}

void S2sOutSession::handleDbVerify(const xml::Element& element) {
  const std::string receiving = domainOf(element.attr("to"));
  const std::string streamId(element.attr("id"));
  const std::string type(element.attr("type"));
  auto it = std::find_if(verifying_.begin(), verifying_.end(), [&](const VerifyRequest& r) {
    return r.receiving == receiving && r.streamId == streamId;
  });
  if (domainOf(element.attr("from")) != remote_ || it == verifying_.end() || type.empty()) {
    owner_.log().info("s2s out {}: ignored an unsolicited <db:verify/> from {}", id(), remote_);
    return;
  }
  VerifyRequest request = std::move(*it);
  verifying_.erase(it);
  VerifyOutcome outcome;
  if (type == "valid") {
    outcome.result = VerifyResult::valid;
  } else if (type == "invalid") {
    outcome.result = VerifyResult::invalid;
    outcome.text = remote_ + "'s server (" + address() + ") answered invalid";
  } else {
    outcome.result = VerifyResult::error;
    outcome.condition = StanzaErrorCondition::remoteServerNotFound;  // XEP-0220 2.4
    outcome.text = remote_ + " answered the verification with " +
                   std::string(xmpp::conditionName(dbErrorCondition(element)));
  }
  owner_.verifyAnswered(request.inId, request.receiving, remote_, request.streamId, outcome);
  finishIfUnused("verifications answered");
}

void S2sOutSession::verify(VerifyRequest request) {
  verifyQueue_.push_back(std::move(request));
  sendVerifies();
}

void S2sOutSession::sendVerifies() {
  if (!featuresSeen_ || closing() || failed_) return;
  for (auto& request : verifyQueue_) {
    sendElement(makeDbVerifyRequest(request.receiving, remote_, request.streamId, request.key));
    verifying_.push_back(std::move(request));
  }
  verifyQueue_.clear();
}

// --- decisions -----------------------------------------------------------------------------

// Outbound evidence: the peer was reached at the address DNS (or the static
// table) gives for its domain and accepted our authentication - dialback's
// level of assurance; its certificate may prove more.
Evidence S2sOutSession::evidence(bool viaSasl) const {
  Evidence e;
  e.tls = isTls();
  e.dialback = true;
  e.saslExternal = viaSasl;
  if (e.tls) e.certificate = certificate_;
  return e;
}

void S2sOutSession::pairAuthenticated(const std::string& local, bool viaSasl,
                                      const std::string& refusedByPeer) {
  auto facts = makeFacts(owner_.settings(), local, remote_, address(), policy::Direction::outbound,
                         evidence(viaSasl), server_.clock().now());
  const auto decision = owner_.decide(facts);
  std::string refusedHere;
  if (!decision.allowed() && owner_.agentOnlyAllowed(facts, decision)) {
    owner_.log().info("s2s out {}: {} -> {} is agent-only: {}", id(), local, remote_,
                      decision.reason);
    refusedHere = decision.reason;
  } else if (!decision.allowed()) {
    // The stream ends with policy-violation once it has answered the
    // verifications it carries for incoming streams (they are another matter).
    refusal_ = decision.reason;
    failPair(local, StanzaErrorCondition::policyViolation,
             "federation with " + remote_ + " is refused: " + decision.reason);
    return;
  }
  if (!refusedByPeer.empty()) {
    owner_.log().info("s2s out {}: {} keeps {} -> {} agent-only: {}", id(), remote_, local, remote_,
                      refusedByPeer);
  }
  auto& pair = pairs_[local];
  pair.ready = true;
  pair.viaSasl = viaSasl;
  pair.refusedHere = refusedHere;
  pair.peerAgentOnly = !refusedByPeer.empty();
  phase_ = Phase::open;
  armTimer();
  owner_.pairReady(*this, local, refusedHere, refusedByPeer);
}

// As S2sInSession::recheck: a full pair no longer allowed closes the stream;
// an agent-only one now allowed becomes full.
void S2sOutSession::recheck() {
  if (closing()) return;
  std::vector<std::string> admitted;
  for (auto& [local, pair] : pairs_) {
    if (!pair.ready) continue;
    auto facts =
        makeFacts(owner_.settings(), local, remote_, address(), policy::Direction::outbound,
                  evidence(pair.viaSasl), server_.clock().now());
    const auto decision = owner_.decide(facts);
    if (decision.allowed()) {
      if (!pair.refusedHere.empty()) admitted.push_back(local);
      pair.refusedHere.clear();
      continue;
    }
    if (!pair.refusedHere.empty() && owner_.agentOnlyAllowed(facts, decision)) {
      pair.refusedHere = decision.reason;
      continue;
    }
    closeStream(StreamErrorCondition::policyViolation, decision.reason);
    return;
  }
  for (const auto& local : admitted) {
    owner_.log().info("s2s out {}: {} -> {} is admitted now (was agent-only)", id(), local,
                      remote_);
    owner_.pairAdmitted(*this, local);
  }
}

// --- stanzas -------------------------------------------------------------------------------

void S2sOutSession::send(const xml::Element& stanza) {
  if (closing()) return;
  xml::Element copy = stanza;
  toServerNamespace(copy);
  touch();
  sendElement(copy);
}

// --- failures and the end ------------------------------------------------------------------

void S2sOutSession::failPair(const std::string& local, StanzaErrorCondition condition,
                             const std::string& text) {
  auto it = pairs_.find(local);
  if (it == pairs_.end()) return;
  pairs_.erase(it);
  owner_.log().info("s2s out {}: {} -> {} failed: {}", id(), local, remote_, text);
  owner_.pairFailed(*this, local, condition, text);
  finishIfUnused(text);
}

void S2sOutSession::finishIfUnused(const std::string& why) {
  if (closing() || !pairs_.empty() || !verifyQueue_.empty() || !verifying_.empty()) return;
  if (!refusal_.empty()) {
    closeStream(StreamErrorCondition::policyViolation, refusal_);
  } else {
    closeGracefully(why);
  }
}

void S2sOutSession::failPending(StanzaErrorCondition condition, const std::string& text) {
  if (failed_) return;
  failed_ = true;
  std::vector<std::string> pending;
  for (const auto& [local, pair] : pairs_) {
    if (!pair.ready) pending.push_back(local);
  }
  for (const auto& local : pending) {
    pairs_.erase(local);
    owner_.pairFailed(*this, local, condition, text);
  }
  VerifyOutcome outcome;
  outcome.result = VerifyResult::error;
  outcome.condition = condition == StanzaErrorCondition::remoteServerTimeout
                          ? StanzaErrorCondition::remoteServerTimeout
                          : StanzaErrorCondition::remoteServerNotFound;
  outcome.text = text;
  auto requests = std::move(verifyQueue_);
  for (auto& r : verifying_) requests.push_back(std::move(r));
  verifyQueue_.clear();
  verifying_.clear();
  if (!pending.empty() || !requests.empty()) {
    owner_.log().info("s2s out {}: to {} failed: {}", id(), remote_, text);
  }
  for (const auto& r : requests) {
    owner_.verifyAnswered(r.inId, r.receiving, remote_, r.streamId, outcome);
  }
}

void S2sOutSession::fail(StanzaErrorCondition condition, const std::string& text) {
  failPending(condition, text);
  closeGracefully(text);
}

void S2sOutSession::handleGone(std::string_view reason) {
  timer_.cancel();
  if (!failed_ && peerError_ == "see-other-host" && followRedirect()) {
    failed_ = true;  // handed over or failed: nothing pending is left here
  }
  if (!failed_) {
    StanzaErrorCondition condition = StanzaErrorCondition::remoteServerNotFound;
    std::string text;
    if (!peerError_.empty()) {
      if (peerError_ == "policy-violation") condition = StanzaErrorCondition::policyViolation;
      text = remote_ + " closed the stream with " + peerError_ +
             (peerErrorText_.empty() ? "" : ": " + peerErrorText_);
    } else {
      text = "the connection to " + remote_ + " ended (" + std::string(reason) + ")";
    }
    failPending(condition, text);
  }
  for (const auto& [local, pair] : pairs_) {
    if (pair.ready) owner_.pairClosed(*this, local);
  }
  pairs_.clear();
  if (tracked_) server_.untrackConnection();
  tracked_ = false;
  owner_.log().debug("s2s out {} to {} ended: {}", id(), remote_, reason);
  owner_.release(this);
}

// --- timers --------------------------------------------------------------------------------

void S2sOutSession::armTimer() {
  if (closing()) return;
  const auto& limits = server_.config().limits;
  const auto now = server_.clock().steadyNow();
  std::chrono::steady_clock::time_point deadline;
  if (phase_ == Phase::resolving || phase_ == Phase::connecting) {
    deadline = phaseSince_ + owner_.settings().connectTimeout;
  } else {
    deadline = lastActivity() + limits.s2sIdleTimeout;
    for (const auto& [local, pair] : pairs_) {
      if (!pair.ready) deadline = std::min(deadline, pair.since + limits.authTimeout);
    }
    deadline = std::min(deadline, hibernateDeadline());
  }
  const auto wait = std::max(deadline - now, std::chrono::steady_clock::duration{0});
  timer_.start(wait + std::chrono::milliseconds(10), [this] { onTimer(); });
}

void S2sOutSession::onTimer() {
  if (closing() || failed_) return;
  const auto& limits = server_.config().limits;
  const auto now = server_.clock().steadyNow();
  if (phase_ == Phase::resolving || phase_ == Phase::connecting) {
    if (now - phaseSince_ >= owner_.settings().connectTimeout) {
      if (phase_ == Phase::resolving) {
        fail(StanzaErrorCondition::remoteServerTimeout, "finding " + remote_ + " took too long");
        return;
      }
      ++attempt_;  // the late callback, if any, is ignored
      lastConnectError_ = "no answer within " + seconds(owner_.settings().connectTimeout);
      tryNextEndpoint();
      return;
    }
    armTimer();
    return;
  }
  std::vector<std::string> late;
  for (const auto& [local, pair] : pairs_) {
    if (!pair.ready && now - pair.since >= limits.authTimeout) late.push_back(local);
  }
  if (!late.empty()) {
    const bool any =
        std::any_of(pairs_.begin(), pairs_.end(), [](const auto& p) { return p.second.ready; });
    const std::string text =
        remote_ + " did not complete authentication within " + seconds(limits.authTimeout);
    if (!any) {
      fail(StanzaErrorCondition::remoteServerTimeout, text);
      return;
    }
    for (const auto& local : late) failPair(local, StanzaErrorCondition::remoteServerTimeout, text);
    if (closing()) return;
  }
  if (now - lastActivity() >= limits.s2sIdleTimeout) {
    closeGracefully("idle");
    return;
  }
  hibernateIfQuiet(now);
  armTimer();
}

void S2sOutSession::describePairs(std::vector<S2sPairStatus>& out) const {
  const auto now = server_.clock().now();
  const auto steadyNow = server_.clock().steadyNow();
  auto secondsSince = [&](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(steadyNow - t).count();
  };
  for (const auto& [local, pair] : pairs_) {
    if (!pair.ready) {
      out.push_back({local,
                     remote_,
                     "out",
                     "pending",
                     address(),
                     {},
                     {},
                     {},
                     id(),
                     secondsSince(phaseSince_)});
      continue;
    }
    const auto facts = makeFacts(owner_.settings(), local, remote_, address(),
                                 policy::Direction::outbound, evidence(pair.viaSasl), now);
    S2sPairStatus status{local,
                         remote_,
                         "out",
                         "ready",
                         address(),
                         std::string(policy::toString(facts.level())),
                         describe(facts),
                         {},
                         id(),
                         secondsSince(pair.since)};
    if (!pair.refusedHere.empty() || pair.peerAgentOnly) {
      status.state = "agent-only";
      status.why = !pair.refusedHere.empty() ? pair.refusedHere : "refused by the peer";
    }
    out.push_back(std::move(status));
  }
}

}  // namespace keyfed::modules::s2s
