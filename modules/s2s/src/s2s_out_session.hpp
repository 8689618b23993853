#pragma once
// One outgoing server stream to a peer domain: resolve, connect (endpoints in
// order), STARTTLS (or direct TLS), certificate facts about the peer, then
// SASL EXTERNAL when the peer offers it and we have a certificate, else
// dialback. More local domains can be added to an authenticated stream with
// dialback when the peer supports dialback errors (XEP-0220 multiplexing).
// The stream also carries <db:verify/> requests for incoming dialback.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dialback.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/resolver.hpp"
#include "keyfed/server/session.hpp"
#include "peer_facts.hpp"
#include "redirect.hpp"
#include "s2s_stream.hpp"

namespace keyfed::modules::s2s {

struct VerifyRequest {
  std::uint64_t inId = 0;  // the incoming session waiting for the answer
  std::string receiving;   // our domain (the 'from' of <db:verify/>)
  std::string streamId;
  std::string key;
};

// What an attempt carries to the server a <see-other-host/> names
// (s2s_redirect_out.cpp).
struct RedirectHandover {
  xmpp::SeeOtherHost location;
  RedirectTrail trail{0};
  std::string redirector;  // the domain the redirecting server proved
  std::vector<VerifyRequest> verifies;
};

class S2sOutSession final : public server::Session, public S2sStream {
 public:
  S2sOutSession(S2sModule& owner, std::uint64_t id, std::string local, std::string remote);
  ~S2sOutSession() override;

  // Resolves the peer and connects.
  void start();
  // Connects where a redirect says, instead of resolving; the server there
  // must prove remoteDomain() with its certificate.
  void startRedirected(RedirectHandover handover);

  [[nodiscard]] Kind kind() const override { return Kind::serverOut; }
  // A stanza for the peer, rewritten into jabber:server.
  void send(const xml::Element& stanza) override;
  void closeWithError(xmpp::StreamErrorCondition condition, std::string_view text) override {
    closeStream(condition, text);
  }
  [[nodiscard]] std::string remoteAddress() const override { return address(); }

  [[nodiscard]] const std::string& remoteDomain() const { return remote_; }
  [[nodiscard]] const std::string& streamDomain() const { return local_; }
  // Another local domain may be authenticated on this stream (dialback).
  [[nodiscard]] bool canMultiplex() const;
  // Authenticates another local domain on this (authenticated) stream.
  void addPair(const std::string& local);
  // Sends (or queues until the stream is far enough) a verification request.
  void verify(VerifyRequest request);
  // The policy changed: re-decide every ready pair.
  void recheck();
  // Appends this stream's pairs (ready and pending) for `s2s-list`.
  void describePairs(std::vector<S2sPairStatus>& out) const;

 private:
  enum class Phase { resolving, connecting, opening, startingTls, sasl, open };
  struct Pair {
    bool ready = false;
    bool viaSasl = false;
    std::chrono::steady_clock::time_point since;
    std::string refusedHere;     // agent-only by our policy: why
    bool peerAgentOnly = false;  // the peer's marker said agent-only
  };

  void handleHeader(const xml::StreamHeader& header) override;
  void handleElement(xml::Element&& element) override;
  void handleTls() override;
  void handleGone(std::string_view reason) override;
  void ensureHeaderSent() override {}

  void tryNextEndpoint();
  void connected(std::unique_ptr<net::ByteStream> stream);
  void sendHeader();
  void handleFeatures(const xml::Element& features);
  void authenticate(const xml::Element& features);
  void startDialback(const std::string& local);
  void handleDbResult(const xml::Element& element);
  void handleDbVerify(const xml::Element& element);
  // `refusedByPeer`: the peer's agent-only marker, "" when it admits us fully.
  void pairAuthenticated(const std::string& local, bool viaSasl, const std::string& refusedByPeer);
  void sendVerifies();
  // Every pending pair and verification fails (the stream stays as it is).
  void failPending(xmpp::StanzaErrorCondition condition, const std::string& text);
  // The same, and the stream closes.
  void fail(xmpp::StanzaErrorCondition condition, const std::string& text);
  void failPair(const std::string& local, xmpp::StanzaErrorCondition condition,
                const std::string& text);
  // Closes the stream once it carries no pair and no verification.
  void finishIfUnused(const std::string& why);
  void armTimer() override;
  void onTimer();
  Evidence evidence(bool viaSasl) const;
  // Redirects (s2s_redirect_out.cpp).
  // The domain the peer's certificate proves among remote_ and the
  // configured redirectors; "" when none.
  std::string provenRedirector();
  // The peer ended the stream with <see-other-host/>: hands the pending pair
  // and verifications to a new session, or fails them; false when nothing
  // was pending (the stream just ends).
  bool followRedirect();
  // fallback = fail_closed: whether the next endpoint must not be tried.
  [[nodiscard]] bool fallbackRefused() const;
  // A redirected stream is TLS with the target's certificate, or nothing.
  bool redirectedWithoutTls();

  std::string local_;   // the stream's 'from'
  std::string remote_;  // the peer domain
  Phase phase_ = Phase::resolving;
  std::vector<net::PeerEndpoint> endpoints_;
  std::size_t nextEndpoint_ = 0;
  bool directTls_ = false;
  std::string lastConnectError_;
  std::uint64_t attempt_ = 0;  // stale connect callbacks are recognised by this
  net::Timer timer_;
  std::chrono::steady_clock::time_point phaseSince_;
  std::string peerStreamId_;
  bool peerDialback_ = false;        // xmlns:db on the peer's header
  bool peerOffersDialback_ = false;  // <dialback/> stream feature
  bool peerDialbackErrors_ = false;  // <dialback><errors/></dialback> feature
  bool featuresSeen_ = false;        // past TLS: verifications may go out
  bool saslTried_ = false;
  bool saslSucceeded_ = false;
  std::string saslAgentOnly_;  // the agent-only marker of the peer's <success/>
  bool tracked_ = false;       // counted by Server::trackConnection
  bool failed_ = false;
  std::string refusal_;                // our policy refused a pair: the reason for the stream error
  net::CertificateCheck certificate_;  // the peer's, for remote_
  RedirectTrail trail_;
  std::string redirectedBy_;  // this attempt follows a redirect from that domain's server
  std::string redirector_;    // what the peer's certificate proves (provenRedirector)
  std::map<std::string, Pair, std::less<>> pairs_;  // by local domain
  std::vector<VerifyRequest> verifyQueue_;          // not sent yet
  std::vector<VerifyRequest> verifying_;            // sent, waiting for the answer
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyfed::modules::s2s
