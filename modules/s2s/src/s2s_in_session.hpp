#pragma once
// One incoming server stream (RFC 6120): STARTTLS, SASL EXTERNAL (XEP-0178),
// dialback in the receiving and the authoritative role (XEP-0220), several
// domain pairs on one stream, each admitted by the policy point before its
// first stanza, and the addressing checks on every stanza.

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dialback.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/server/session.hpp"
#include "peer_facts.hpp"
#include "s2s_stream.hpp"

namespace keyfed::modules::s2s {

class S2sInSession final : public server::Session, public S2sStream {
 public:
  S2sInSession(S2sModule& owner, std::uint64_t id, std::unique_ptr<net::ByteStream> stream);
  ~S2sInSession() override;

  void start();

  // server::Session (an incoming stream carries no stanzas to the peer, but
  // dialback replies and errors go this way).
  [[nodiscard]] Kind kind() const override { return Kind::serverIn; }
  void send(const xml::Element& stanza) override { sendElement(stanza); }
  void closeWithError(xmpp::StreamErrorCondition condition, std::string_view text) override {
    closeStream(condition, text);
  }
  [[nodiscard]] std::string remoteAddress() const override { return address(); }

  // The authoritative server answered the verification of (local, remote).
  void verifyDone(const std::string& local, const std::string& remote, const std::string& streamId,
                  const VerifyOutcome& outcome);
  // The policy changed: re-decide every admitted pair; close when one is refused.
  void recheck();
  [[nodiscard]] std::size_t pairCount() const { return pairs_.size(); }
  // Appends this stream's pairs (admitted and being verified) for `s2s-list`.
  void describePairs(std::vector<S2sPairStatus>& out) const;

 private:
  using PairKey = std::pair<std::string, std::string>;  // (local, remote)

  void handleHeader(const xml::StreamHeader& header) override;
  void handleElement(xml::Element&& element) override;
  void handleTls() override;
  void handleGone(std::string_view reason) override;
  void ensureHeaderSent() override;

  void sendHeader(std::string_view to);
  void sendFeatures();
  void handleStartTls();
  void handleSasl(const xml::Element& element);
  void handleDbResult(const xml::Element& element);
  void handleDbVerify(const xml::Element& element);
  void handleStanza(xml::Element&& stanza);
  void saslFailure(std::string_view condition, std::string_view text);
  const net::CertificateCheck& certificateFor(const std::string& domain);
  Evidence evidenceFor(const std::string& remote, bool dialback, bool sasl);
  // Asks the policy point; refused: the pair is agent-only when the peer may
  // still reach the agent (agent_only.hpp), else the stream closes with
  // policy-violation.
  bool admit(const std::string& local, const std::string& remote, const Evidence& evidence);
  // `answer` (dialback valid, SASL success) with the agent-only marker when
  // the pair is agent-only.
  [[nodiscard]] xml::Element authenticated(xml::Element answer, const PairKey& key) const;
  void armTimer() override;
  void onTimer();
  // Redirect mode (s2s_redirect_in.cpp): the stream names a domain served
  // elsewhere and a redirector (the clearinghouse) answers for it.
  [[nodiscard]] bool redirecting() const { return !redirectTarget_.empty(); }
  bool startRedirect(const xml::StreamHeader& header);
  // The originator proved `originating` (`method`): see-other-host or
  // policy-violation, as the redirector says.
  void answerRedirect(const std::string& originating, std::string_view method);

  std::unique_ptr<net::ByteStream> pendingStream_;  // until start()
  net::Timer timer_;
  std::chrono::steady_clock::time_point connectedAt_;
  std::string streamId_;
  std::string localDomain_;  // the 'to' of the stream header, a served domain
  std::string peerDomain_;   // the 'from' of the stream header (may be empty)
  bool headerSent_ = false;
  bool saslDone_ = false;
  std::map<PairKey, Evidence> pairs_;
  std::map<PairKey, std::string> agentOnly_;  // admitted pairs refused but for the agent: why
  std::set<PairKey> verifying_;
  std::map<std::string, net::CertificateCheck> certificates_;  // by peer domain
  std::string redirectTarget_;  // redirect mode: the domain asked for
  std::string redirectVia_;     // the served domain verifications go out from
};

}  // namespace keyfed::modules::s2s
