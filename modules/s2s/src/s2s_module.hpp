#pragma once
// The s2s module: the s2s listeners and incoming sessions, outgoing sessions
// with a queue per domain pair, the relay between the two for dialback
// verification, the static decider installed from [s2s], and revocation
// (every live pair re-decided when the policy changes).

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connection_throttle.hpp"
#include "dialback.hpp"
#include "dialback_key.hpp"
#include "keyfed/modules/s2s.hpp"
#include "keyfed/net/certificate_check.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/net/resolver.hpp"
#include "keyfed/net/tls.hpp"
#include "keyfed/server/module.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::modules::s2s {

class S2sInSession;
class S2sOutSession;
struct RedirectHandover;

class S2sModule final : public server::Module {
 public:
  S2sModule();
  ~S2sModule() override;

  [[nodiscard]] std::string_view name() const override { return "s2s"; }
  base::Result<void> load(server::Server& server) override;
  void shutdown() override;

  // --- what sessions use -------------------------------------------------------------------
  server::Server& server() { return *server_; }
  [[nodiscard]] const S2sConfig& settings() const { return *settings_; }
  [[nodiscard]] const DialbackKeys& keys() const { return *keys_; }
  [[nodiscard]] const base::Logger& log() const { return log_; }
  [[nodiscard]] net::CertificateCheck checkCertificate(const std::vector<std::string>& chain,
                                                       std::string_view domain) const;
  // Whether a certificate check counts for `domain`: valid, or its key pinned.
  [[nodiscard]] bool acceptable(const net::CertificateCheck& check, std::string_view domain) const;
  [[nodiscard]] const std::shared_ptr<net::TlsServerContext>& tlsServer() const {
    return tlsServer_;
  }
  // The client context presenting `localDomain`'s certificate (one without a
  // certificate when the domain has none).
  [[nodiscard]] std::shared_ptr<net::TlsClientContext> tlsClient(
      std::string_view localDomain) const;
  [[nodiscard]] bool hasCertificate(std::string_view localDomain) const;
  net::Resolver& resolver() { return *resolver_; }
  // The address outgoing streams from `localDomain` connect from ("" = any):
  // [[s2s.source]], else source_address, else the first s2s listener's
  // address when it is not a wildcard.
  [[nodiscard]] std::string sourceAddressFor(std::string_view localDomain) const;

  // Served here: a virtual host or a component domain (conference.<host>).
  [[nodiscard]] bool serves(std::string_view domain) const {
    return !server_->hostOf(domain).empty();
  }
  // `domain` as this server spells it when it is served (a virtual host's or
  // a component's name), else "".
  [[nodiscard]] std::string_view servedDomain(std::string_view domain) const;

  // Asks the policy point, logs the decision with the facts. A component
  // domain's pair is decided as its host's pair with the same peer.
  policy::Decision decide(const policy::PeerFacts& facts);
  // Whether the pair `refusal` refused stays agent-only (agent_only.hpp):
  // an agent answers here and policy::mayReachAgent holds.
  [[nodiscard]] bool agentOnlyAllowed(const policy::PeerFacts& facts,
                                      const policy::Decision& refusal) const;

  // Receiving role: verify `key` with the authoritative server of `originating`;
  // the answer goes to the incoming session `inId` (if it still exists).
  // `via`: the served domain the stream carrying it comes from (redirect mode,
  // where `receiving` is served elsewhere); "": `receiving`.
  void requestVerify(std::uint64_t inId, const std::string& receiving,
                     const std::string& originating, const std::string& streamId,
                     const std::string& key, const std::string& via = {});
  // An outgoing attempt follows a redirect: `handover` continues it on a new
  // session to `location` (s2s_redirect_out.cpp).
  void redirected(S2sOutSession& from, RedirectHandover handover);
  void verifyAnswered(std::uint64_t inId, const std::string& receiving,
                      const std::string& originating, const std::string& streamId,
                      const VerifyOutcome& outcome);

  // Outgoing sessions report on their domain pairs. A ready pair may be
  // agent-only (agent_only.hpp): refused by our policy (`refusedHere`) or
  // by the peer (`refusedByPeer`, its marker); empty reasons: a full pair.
  void pairReady(S2sOutSession& session, const std::string& local, const std::string& refusedHere,
                 const std::string& refusedByPeer);
  // Our policy admits an agent-only pair now (policy changed()).
  void pairAdmitted(S2sOutSession& session, const std::string& local);
  // The peer admits a pair it kept agent-only (a plain <db:result type='valid'/>).
  void peerAdmitted(S2sOutSession& session, const std::string& local);
  void pairFailed(S2sOutSession& session, const std::string& local,
                  xmpp::StanzaErrorCondition condition, const std::string& text);
  // A ready pair's stream ended (no error for queued stanzas: there are none).
  void pairClosed(S2sOutSession& session, const std::string& local);

  // Inbound agent-only gate: answers `stanza` (from the peer) with
  // policy-violation over the outgoing pair back to its sender, which carries
  // this error even while it is itself agent-only.
  void bounceToPeer(const xml::Element& stanza, const std::string& text);

  // A session's connection is gone: destroy it after the current handler.
  void release(S2sInSession* session);
  void release(S2sOutSession* session);

  [[nodiscard]] std::size_t incomingCount() const { return incoming_.size(); }
  // Ports of the open s2s listeners (tests listen on port 0).
  [[nodiscard]] std::vector<std::uint16_t> listeningPorts() const;
  [[nodiscard]] std::size_t outgoingCount() const { return outgoing_.size(); }
  // Every pair on a live stream, incoming first, each group by stream id.
  [[nodiscard]] std::vector<S2sPairStatus> pairs() const;

  // Back-off after a failed attempt: 1 s, doubling, at most this.
  static constexpr std::chrono::seconds kMaxBackoff{300};

 private:
  // One (local, remote) pair on the way out.
  struct Queued {
    xml::Element stanza;
    bool gateBounce = false;  // bounceToPeer's error: passes an agent-only pair
  };
  struct Route {
    enum class State { idle, pending, ready };
    State state = State::idle;
    S2sOutSession* session = nullptr;
    std::deque<Queued> queue;
    // Agent-only (a ready pair): why our policy, or the peer, refuses it.
    std::string refusedHere;
    std::string refusedByPeer;
    // Automatic mode: our agent asked the peer's for access; stanzas that are
    // not agent exchanges wait (in `queue`) until it answers or holdUntil.
    bool asking = false;
    std::chrono::steady_clock::time_point holdUntil{};
    std::chrono::steady_clock::time_point retryAt{};
    std::chrono::seconds backoff{0};
    xmpp::StanzaErrorCondition lastError = xmpp::StanzaErrorCondition::remoteServerNotFound;
    std::string lastText;
  };
  using PairKey = std::pair<std::string, std::string>;  // (local, remote)

  base::Result<void> openListeners();
  base::Result<void> prepareTls();
  void installPolicy(const S2sConfig& settings);
  void onConfigReloaded(const config::Config& next);
  void recheckAll();
  void accept(std::unique_ptr<net::ByteStream> stream, bool directTls);
  bool routeRemote(server::StanzaEvent& event);
  void enqueue(const PairKey& key, Queued item);
  // A ready pair: sends `item`, or, on an agent-only pair, bounces what is not
  // an agent exchange; false: it must wait (automatic mode is asking).
  bool deliver(const PairKey& key, Route& route, Queued& item);
  // Automatic mode (federation events, events.hpp).
  void askForAccess(const PairKey& key, Route& route);
  void accessAnswered(std::string_view remote, bool granted, std::string_view reason);
  void armHoldTimer();
  void onHoldTimer();
  void startRoute(const PairKey& key, Route& route);
  void pruneRoutes();
  static constexpr std::size_t kPruneRoutesAt = 10000;
  S2sOutSession& newOutgoing(const std::string& local, const std::string& remote,
                             RedirectHandover* handover = nullptr);
  void flush(const PairKey& key, Route& route);
  void bounceQueue(Route& route, xmpp::StanzaErrorCondition condition, const std::string& text);
  void bounce(const xml::Element& stanza, xmpp::StanzaErrorCondition condition,
              const std::string& text);

  server::Server* server_ = nullptr;
  const S2sConfig* settings_ = nullptr;
  S2sConfig defaults_;  // when the config has no [s2s] parser registered (tests)
  std::unique_ptr<DialbackKeys> keys_;
  std::unique_ptr<net::CertificateVerifier> verifier_;
  std::unique_ptr<net::Resolver> resolver_;
  std::shared_ptr<net::TlsServerContext> tlsServer_;
  std::map<std::string, std::shared_ptr<net::TlsClientContext>, std::less<>> tlsClients_;
  std::shared_ptr<net::TlsClientContext> tlsClientAnonymous_;
  std::vector<std::unique_ptr<net::Listener>> listeners_;
  std::unordered_map<std::uint64_t, std::unique_ptr<S2sInSession>> incoming_;
  std::unordered_map<std::uint64_t, std::unique_ptr<S2sOutSession>> outgoing_;
  std::map<PairKey, Route> routes_;
  std::size_t pruneAt_ = kPruneRoutesAt;
  std::unique_ptr<ConnectionThrottle> throttle_;
  std::unique_ptr<net::Timer> holdTimer_;
  std::uint64_t lastId_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  base::Logger log_{"s2s"};
};

}  // namespace keyfed::modules::s2s
