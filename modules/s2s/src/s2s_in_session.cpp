#include "s2s_in_session.hpp"

#include "agent_only.hpp"
#include "keyfed/base/hex.hpp"
#include "keyfed/policy/stanza_facts.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/sasl.hpp"
#include "keyfed/xmpp/scram.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "s2s_module.hpp"

namespace keyfed::modules::s2s {
namespace {

using xmpp::StanzaErrorCondition;
using xmpp::StreamErrorCondition;
namespace ns = xmpp::ns;

// A domain JID as the peer wrote it, prepared; "" when it is not one.
std::string domainOf(std::string_view text) {
  auto jid = xmpp::Jid::parse(text);
  if (!jid || !jid->isDomain()) return {};
  return std::string(jid->domain());
}

}  // namespace

S2sInSession::S2sInSession(S2sModule& owner, std::uint64_t id,
                           std::unique_ptr<net::ByteStream> stream)
    : S2sStream(owner, id), timer_(owner.server().loop()) {
  connectedAt_ = server_.clock().steadyNow();
  pendingStream_ = std::move(stream);
}

S2sInSession::~S2sInSession() = default;

void S2sInSession::start() {
  server_.trackConnection();
  attach(std::move(pendingStream_));
  armTimer();
}

// --- timers --------------------------------------------------------------------------------

// Until a pair is admitted the stream has limits.auth_timeout; then it may be
// idle for limits.s2s_idle_timeout.
void S2sInSession::armTimer() {
  if (closing()) return;
  const auto& limits = server_.config().limits;
  const auto deadline = std::min(
      pairs_.empty() ? connectedAt_ + limits.authTimeout : lastActivity() + limits.s2sIdleTimeout,
      hibernateDeadline());
  const auto wait =
      std::max(deadline - server_.clock().steadyNow(), std::chrono::steady_clock::duration{0});
  timer_.start(wait + std::chrono::milliseconds(10), [this] { onTimer(); });
}

void S2sInSession::onTimer() {
  if (closing()) return;
  const auto& limits = server_.config().limits;
  const auto now = server_.clock().steadyNow();
  if (pairs_.empty() && now - connectedAt_ >= limits.authTimeout) {
    closeStream(StreamErrorCondition::connectionTimeout, "no domain was authenticated in time");
    return;
  }
  if (!pairs_.empty() && now - lastActivity() >= limits.s2sIdleTimeout) {
    closeGracefully("idle");
    return;
  }
  hibernateIfQuiet(now);
  armTimer();
}

// --- the stream header --------------------------------------------------------------------

void S2sInSession::sendHeader(std::string_view to) {
  xml::StreamHeader header;
  header.defaultNs = std::string(ns::server);
  header.from = localDomain_.empty() ? server_.config().virtualHosts.front().domain : localDomain_;
  header.to = std::string(to);
  header.id = streamId_ = base::toHex(xmpp::randomBytes(16));
  header.version = "1.0";
  header.prefixes = {{"db", std::string(ns::dialback)}};
  writeHeader(header);
  headerSent_ = true;
}

void S2sInSession::ensureHeaderSent() {
  if (!headerSent_) sendHeader({});
}

void S2sInSession::handleHeader(const xml::StreamHeader& header) {
  // A virtual host or a component domain (conference.<host>) of one.
  const std::string_view served = owner_.servedDomain(header.to);
  if (served.empty() && !saslDone_ && (redirecting() || startRedirect(header))) {
    localDomain_ = redirectTarget_;
  } else if (served.empty()) {
    sendHeader(header.from);
    closeStream(StreamErrorCondition::hostUnknown,
                "this server does not serve '" + header.to + "'");
    return;
  }
  if (!served.empty()) localDomain_ = std::string(served);
  const std::string from = header.from.empty() ? std::string() : domainOf(header.from);
  sendHeader(from);
  if (!header.from.empty() && from.empty()) {
    closeStream(StreamErrorCondition::invalidFrom, "the stream's 'from' is not a domain");
    return;
  }
  if (!saslDone_) peerDomain_ = from;
  if (!header.version.starts_with("1.")) {
    closeStream(StreamErrorCondition::unsupportedVersion, "only XMPP 1.0 streams are served");
    return;
  }
  sendFeatures();
}

void S2sInSession::sendFeatures() {
  const auto& settings = owner_.settings();
  const bool tls = isTls();
  xml::Element features("features", std::string(ns::stream));
  if (!tls && owner_.tlsServer() != nullptr) {
    auto& starttls = features.addChild("starttls", std::string(ns::tls));
    if (settings.requireTls) starttls.addChild("required", std::string(ns::tls));
  }
  const bool mayAuthenticate = tls || !settings.requireTls;
  if (mayAuthenticate && !saslDone_ && tls && !peerDomain_.empty() &&
      owner_.acceptable(certificateFor(peerDomain_), peerDomain_)) {
    features.addChild("mechanisms", std::string(ns::sasl))
        .addChild("mechanism", std::string(ns::sasl))
        .addText("EXTERNAL");
  }
  if (mayAuthenticate) {
    features.addChild("dialback", std::string(ns::dialbackFeature))
        .addChild("errors", std::string(ns::dialbackFeature));
  }
  sendElement(features);
}

// --- elements -----------------------------------------------------------------------------

void S2sInSession::handleElement(xml::Element&& element) {
  touch();
  if (element.is("starttls", ns::tls)) {
    handleStartTls();
  } else if (element.ns() == ns::sasl) {
    handleSasl(element);
  } else if (element.is("result", ns::dialback)) {
    handleDbResult(element);
  } else if (element.is("verify", ns::dialback)) {
    handleDbVerify(element);
  } else if (xmpp::stanzaKind(element) != xmpp::StanzaKind::other) {
    handleStanza(std::move(element));
  } else {
    closeStream(StreamErrorCondition::unsupportedStanzaType,
                "unexpected <" + element.name() + "/> in " + element.ns());
  }
}

void S2sInSession::handleStartTls() {
  if (isTls() || owner_.tlsServer() == nullptr) {
    sendRaw("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    closeGracefully("STARTTLS not possible");
    return;
  }
  sendRaw("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  // The next bytes are the TLS handshake, not XML.
  stopParser();
  stream().startTls(owner_.tlsServer());
}

void S2sInSession::handleTls() {
  // A new stream starts over TLS. Nothing learnt before it counts (RFC 6120
  // 5.4.3.3): pairs admitted and verifications asked in the clear are dropped,
  // certificate facts are gathered afresh.
  headerSent_ = false;
  certificates_.clear();
  pairs_.clear();
  verifying_.clear();
}

void S2sInSession::saslFailure(std::string_view condition, std::string_view text) {
  xml::Element failure("failure", std::string(ns::sasl));
  failure.addChild(std::string(condition), std::string(ns::sasl));
  if (!text.empty()) failure.addChild("text", std::string(ns::sasl)).addText(text);
  sendElement(failure);
  owner_.log().info("s2s stream {} from {}: SASL EXTERNAL refused: {}", id(), address(), text);
}

// XEP-0178: the peer's certificate proves its domain; the identity is the
// authorization identity when one is given, else the stream's 'from'.
void S2sInSession::handleSasl(const xml::Element& element) {
  if (element.name() == "abort") {
    saslFailure("aborted", "");
    return;
  }
  if (element.name() != "auth") {
    closeStream(StreamErrorCondition::unsupportedStanzaType, "unexpected SASL element");
    return;
  }
  if (saslDone_ || !isTls()) {
    saslFailure("encryption-required", "SASL EXTERNAL needs TLS with a certificate");
    return;
  }
  if (element.attr("mechanism") != "EXTERNAL") {
    saslFailure("invalid-mechanism", "only EXTERNAL is offered to servers");
    return;
  }
  auto payload = xmpp::decodeSaslPayload(element.text(), 1024);
  if (!payload) {
    saslFailure("incorrect-encoding", "the authorization identity is not base64");
    return;
  }
  std::string identity = peerDomain_;
  if (*payload && !(*payload)->empty()) identity = domainOf(**payload);
  if (identity.empty()) {
    saslFailure("invalid-authzid", "no domain: send one or name it in the stream's 'from'");
    return;
  }
  if (!owner_.acceptable(certificateFor(identity), identity)) {
    const auto& check = certificateFor(identity);
    saslFailure("not-authorized", "the certificate does not prove " + identity +
                                      (check.problem.empty() ? "" : ": " + check.problem));
    return;
  }
  if (redirecting()) {
    answerRedirect(identity, "sasl-external");
    return;
  }
  if (!admit(localDomain_, identity, evidenceFor(identity, false, true))) return;
  sendElement(
      authenticated(xml::Element("success", std::string(ns::sasl)), {localDomain_, identity}));
  saslDone_ = true;
  peerDomain_ = identity;
  // RFC 6120 6.4.6: the peer restarts the stream right after <success/>.
  restartParser();
  headerSent_ = false;
}

// Receiving role: the initiating server asks to send from `remote` to `local`.
void S2sInSession::handleDbResult(const xml::Element& element) {
  if (element.hasAttr("type")) {
    // A result on an incoming stream is unsolicited (XEP-0220 5.1): never act on it.
    owner_.log().info("s2s stream {} from {}: ignored an unsolicited <db:result type='{}'/>", id(),
                      address(), element.attr("type"));
    return;
  }
  const std::string remote = domainOf(element.attr("from"));
  const std::string toAttr(element.attr("to"));
  if (remote.empty()) {
    closeStream(StreamErrorCondition::improperAddressing,
                "<db:result/> needs 'from' and 'to' domains");
    return;
  }
  const std::string local = domainOf(toAttr);
  const bool served = redirecting() ? local == redirectTarget_ : owner_.serves(local);
  if (local.empty() || !served) {
    sendElement(makeDbError("result", toAttr, remote, {}, StanzaErrorCondition::itemNotFound,
                            "this server does not serve '" + toAttr + "'"));
    return;
  }
  if (owner_.settings().requireTls && !isTls()) {
    sendElement(makeDbError("result", local, remote, {}, StanzaErrorCondition::policyViolation,
                            "TLS is required before dialback"));
    return;
  }
  const PairKey key{local, remote};
  if (pairs_.count(key) != 0) {
    sendElement(authenticated(makeDbReply("result", local, remote, {}, true), key));
    return;
  }
  if (verifying_.count(key) != 0) return;  // a duplicate while we ask
  // XEP-0344: a certificate that proves the sender domain on this very TLS
  // connection is stronger evidence than the DNS round trip: no need to ask.
  if (isTls() && owner_.acceptable(certificateFor(remote), remote)) {
    if (redirecting()) {
      answerRedirect(remote, "dialback");
    } else if (admit(local, remote, evidenceFor(remote, true, false))) {
      sendElement(authenticated(makeDbReply("result", local, remote, {}, true), key));
    }
    return;
  }
  verifying_.insert(key);
  owner_.requestVerify(id(), local, remote, streamId_, element.text(), redirectVia_);
}

void S2sInSession::verifyDone(const std::string& local, const std::string& remote,
                              const std::string& streamId, const VerifyOutcome& outcome) {
  const PairKey key{local, remote};
  if (closing() || streamId != streamId_ || verifying_.erase(key) == 0) return;
  switch (outcome.result) {
    case VerifyResult::valid:
      if (redirecting()) {
        answerRedirect(remote, "dialback");
      } else if (admit(local, remote, evidenceFor(remote, true, false))) {
        sendElement(authenticated(makeDbReply("result", local, remote, {}, true), key));
      }
      return;
    case VerifyResult::invalid:
      // XEP-0220 2.2.1: the sender domain was spoofed; log it and close.
      owner_.log().warn(
          "s2s stream {} from {}: refused {} -> {}: the authoritative server of {} says the "
          "dialback key is invalid{}{}",
          id(), address(), remote, local, remote, outcome.text.empty() ? "" : ": ", outcome.text);
      sendElement(makeDbReply("result", local, remote, {}, false));
      closeStream(StreamErrorCondition::notAuthorized,
                  "dialback failed: " + remote + "'s server does not confirm the key");
      return;
    case VerifyResult::error:
      owner_.log().info("s2s stream {} from {}: could not verify {} -> {}: {}", id(), address(),
                        remote, local, outcome.text);
      sendElement(makeDbError("result", local, remote, {}, outcome.condition, outcome.text));
      return;
  }
}

// Authoritative role: is this key one we made for (receiving, us, id)?
void S2sInSession::handleDbVerify(const xml::Element& element) {
  if (element.hasAttr("type")) {
    owner_.log().info("s2s stream {} from {}: ignored an unsolicited <db:verify type='{}'/>", id(),
                      address(), element.attr("type"));
    return;
  }
  const std::string receiving = domainOf(element.attr("from"));
  const std::string toAttr(element.attr("to"));
  const std::string streamId(element.attr("id"));
  if (receiving.empty() || streamId.empty()) {
    closeStream(StreamErrorCondition::improperAddressing,
                "<db:verify/> needs 'from', 'to' and 'id'");
    return;
  }
  const std::string local = domainOf(toAttr);
  if (redirecting()) {
    // Not the authoritative server of the domain it stands in for: the
    // originator carries its verifications to the server it is sent to.
    owner_.log().debug("s2s stream {} from {}: ignored <db:verify/> for {} (redirect mode)", id(),
                       address(), toAttr);
    return;
  }
  if (local.empty() || !owner_.serves(local)) {
    sendElement(makeDbError("verify", toAttr, receiving, streamId,
                            StanzaErrorCondition::itemNotFound,
                            "this server does not serve '" + toAttr + "'"));
    return;
  }
  const bool valid = owner_.keys().verify(receiving, local, streamId, element.text());
  owner_.log().debug("s2s stream {} from {}: <db:verify/> {} -> {} id {}: {}", id(), address(),
                     local, receiving, streamId, valid ? "valid" : "invalid");
  sendElement(makeDbReply("verify", local, receiving, streamId, valid));
}

// RFC 6120 4.9.3 and 8.1.1.2: stanzas name an admitted pair in 'from' and 'to'.
void S2sInSession::handleStanza(xml::Element&& stanza) {
  if (pairs_.empty()) {
    closeStream(StreamErrorCondition::notAuthorized,
                "authenticate (SASL EXTERNAL or dialback) before sending stanzas");
    return;
  }
  auto to = xmpp::Jid::parse(stanza.attr("to"));
  auto from = xmpp::Jid::parse(stanza.attr("from"));
  if (!to || !from) {
    closeStream(StreamErrorCondition::improperAddressing,
                "a server stanza needs valid 'to' and 'from' addresses");
    return;
  }
  const PairKey key{std::string(to->domain()), std::string(from->domain())};
  if (pairs_.count(key) == 0) {
    if (!owner_.serves(key.first)) {
      closeStream(StreamErrorCondition::hostUnknown,
                  "this server does not serve '" + key.first + "'");
    } else {
      closeStream(
          StreamErrorCondition::invalidFrom,
          "'" + key.second + "' is not authenticated on this stream for '" + key.first + "'");
    }
    return;
  }
  // Normalised addresses, so the router sees what it would from a client.
  stanza.setAttr("to", to->full());
  stanza.setAttr("from", from->full());
  if (auto gate = agentOnly_.find(key); gate != agentOnly_.end()) {
    if (!isAgentStanza(stanza, policy::Direction::inbound, address(), server_.clock().now())) {
      owner_.log().info("s2s agent-only: bounced <{} type='{}'/> {} -> {}", stanza.name(),
                        stanza.attr("type"), from->full(), to->full());
      owner_.bounceToPeer(stanza, agentOnlyText(key.second, gate->second));
      return;
    }
  }
  // Every stanza crossing the stream is asked about (docs/policy.md).
  const auto facts =
      policy::stanzaFactsOf(stanza, policy::Direction::inbound, address(), server_.clock().now());
  const auto decision = server_.policy().decideStanza(facts);
  if (!decision.allowed()) {
    owner_.log().info("s2s policy: {} <{} type='{}'/> {} -> {}: {} ({})",
                      decision.silent ? "dropped" : "bounced", stanza.name(), stanza.attr("type"),
                      facts.from, facts.to, decision.reason, decision.decider);
    if (!decision.silent) {
      server_.bounce(stanza, xmpp::StanzaErrorCondition::policyViolation, decision.reason);
    }
    return;
  }
  if (decision.log) {
    owner_.log().info("s2s policy: logged <{} type='{}'/> {} -> {}: {}", stanza.name(),
                      stanza.attr("type"), facts.from, facts.to, decision.reason);
  }
  policy::applyBody(stanza, decision);
  server_.route(std::move(stanza), this);
}

// --- evidence and decisions ---------------------------------------------------------------

const net::CertificateCheck& S2sInSession::certificateFor(const std::string& domain) {
  auto it = certificates_.find(domain);
  if (it == certificates_.end()) {
    it = certificates_
             .emplace(domain, owner_.checkCertificate(stream().peerCertificateChain(), domain))
             .first;
  }
  return it->second;
}

Evidence S2sInSession::evidenceFor(const std::string& remote, bool dialback, bool sasl) {
  Evidence e;
  e.tls = isTls();
  e.dialback = dialback;
  e.saslExternal = sasl;
  if (e.tls) e.certificate = certificateFor(remote);
  return e;
}

bool S2sInSession::admit(const std::string& local, const std::string& remote,
                         const Evidence& evidence) {
  auto facts = makeFacts(owner_.settings(), local, remote, address(), policy::Direction::inbound,
                         evidence, server_.clock().now());
  const auto decision = owner_.decide(facts);
  const PairKey key{local, remote};
  if (!decision.allowed()) {
    if (!owner_.agentOnlyAllowed(facts, decision)) {
      closeStream(StreamErrorCondition::policyViolation, decision.reason);
      return false;
    }
    owner_.log().info("s2s stream {} from {}: {} -> {} is agent-only: {}", id(), address(), remote,
                      local, decision.reason);
    agentOnly_[key] = decision.reason;
  } else {
    agentOnly_.erase(key);
  }
  const bool first = pairs_.empty();
  pairs_[key] = evidence;
  if (first) armTimer();
  return true;
}

xml::Element S2sInSession::authenticated(xml::Element answer, const PairKey& key) const {
  if (auto gate = agentOnly_.find(key); gate != agentOnly_.end()) {
    answer.addChild(agentOnlyMarker(gate->second));
  }
  return answer;
}

// An admitted pair no longer allowed closes the stream (a grant expired, a
// rule was revoked); an agent-only pair the policy now allows becomes a full
// one on the same stream.
void S2sInSession::recheck() {
  if (closing()) return;
  for (const auto& [key, evidence] : pairs_) {
    auto facts = makeFacts(owner_.settings(), key.first, key.second, address(),
                           policy::Direction::inbound, evidence, server_.clock().now());
    const auto decision = owner_.decide(facts);
    auto gate = agentOnly_.find(key);
    if (decision.allowed()) {
      if (gate != agentOnly_.end()) {
        owner_.log().info("s2s stream {} from {}: {} -> {} is admitted now (was agent-only)", id(),
                          address(), key.second, key.first);
        agentOnly_.erase(gate);
        // A keyfed peer lifts the agent-only state it was told (agent_only.hpp).
        sendElement(makeDbReply("result", key.first, key.second, {}, true));
      }
      continue;
    }
    if (gate != agentOnly_.end() && owner_.agentOnlyAllowed(facts, decision)) {
      gate->second = decision.reason;
      continue;
    }
    closeStream(StreamErrorCondition::policyViolation, decision.reason);
    return;
  }
}

void S2sInSession::handleGone(std::string_view reason) {
  timer_.cancel();
  owner_.log().debug("s2s stream {} from {} ended: {}", id(), address(), reason);
  server_.untrackConnection();
  owner_.release(this);
}

void S2sInSession::describePairs(std::vector<S2sPairStatus>& out) const {
  const auto now = server_.clock().now();
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(server_.clock().steadyNow() - connectedAt_)
          .count();
  for (const auto& [key, evidence] : pairs_) {
    const auto facts = makeFacts(owner_.settings(), key.first, key.second, address(),
                                 policy::Direction::inbound, evidence, now);
    S2sPairStatus pair{key.first,       key.second, "in",
                       "ready",         address(),  std::string(policy::toString(facts.level())),
                       describe(facts), {},         id(),
                       seconds};
    if (auto gate = agentOnly_.find(key); gate != agentOnly_.end()) {
      pair.state = "agent-only";
      pair.why = gate->second;
    }
    out.push_back(std::move(pair));
  }
  for (const auto& [local, remote] : verifying_) {
    out.push_back({local, remote, "in", "pending", address(), {}, {}, {}, id(), seconds});
  }
}

}  // namespace keyfed::modules::s2s
