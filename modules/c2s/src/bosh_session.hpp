#pragma once
// One BOSH session (XEP-0124 + XEP-0206, docs/bosh.md) seen by the c2s
// session as a byte stream that outlives the HTTP requests carrying it.
//
// Requests come in through handle() with their rid; this class puts them in
// rid order (holding early ones within the window), answers retransmitted
// rids from a cache of the last answers, feeds each payload to the c2s
// session as one RFC 7395-style message (the session reads them through the
// WebSocket framing), and holds up to `hold` requests to answer when the
// session writes something or their `wait` is over. Time comes from a
// base::Clock and tick(): BoshSessions calls tick() once a second for all
// sessions, and tests call it with a fake clock.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bosh_body.hpp"
#include "keyfed/base/clock.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"

namespace keyfed::modules::c2s {

// One HTTP request waiting for its answer: an http::Responder in the server
// (bosh_routes.cpp), a recorder in the tests.
class BoshReply {
 public:
  virtual ~BoshReply() = default;
  [[nodiscard]] virtual bool connected() const = 0;
  virtual void send(std::string body) = 0;
};

// What the server grants (the client may ask for less wait or hold).
struct BoshGrant {
  std::chrono::seconds wait{60};
  std::uint32_t hold = 1;
  std::chrono::seconds inactivity{60};
  std::chrono::seconds polling{2};
  // Bytes the session may queue for a client that does not come to fetch
  // them; past it the session ends (policy-violation).
  std::size_t maxQueuedBytes = std::size_t{1} << 20U;
};

class BoshSessions;

class BoshSession final : public net::ByteStream {
 public:
  // `creation` is the session creation request's body (rid, to, ...).
  BoshSession(net::EventLoop& loop, const base::Clock& clock, BoshSessions* registry,
              std::string sid, BoshGrant grant, const BoshBody& creation, std::string remoteAddress,
              std::string serverName);
  ~BoshSession() override;
  BoshSession(const BoshSession&) = delete;
  BoshSession& operator=(const BoshSession&) = delete;

  // The creation request (right after the c2s session started reading) and
  // every later request for this sid.
  void handleCreation(std::unique_ptr<BoshReply> reply);
  void handle(BoshBody body, std::unique_ptr<BoshReply> reply);
  // Answers held requests whose wait is over; ends the session after
  // `inactivity` without a request.
  void tick(base::SteadyTime now);

  [[nodiscard]] const std::string& sid() const { return sid_; }
  [[nodiscard]] bool terminated() const { return terminated_; }
  [[nodiscard]] std::size_t heldRequests() const { return held_.size(); }

  // net::ByteStream: what the c2s session sees.
  void start(net::ByteStreamHandler* handler) override { handler_ = handler; }
  void send(std::string_view bytes) override;
  void startTls(std::shared_ptr<net::TlsServerContext> context) override;
  void startTlsClient(std::shared_ptr<net::TlsClientContext> context,
                      std::string serverName) override;
  void close() override;
  void abort() override;
  // Every request arrives over TLS, but over many connections: there is no one
  // TLS connection to bind SASL to, so no channel binding (no -PLUS).
  [[nodiscard]] bool isTls() const override { return true; }
  [[nodiscard]] std::string tlsExporter() const override { return {}; }
  [[nodiscard]] std::string tlsUnique() const override { return {}; }
  [[nodiscard]] std::string tlsVersion() const override { return {}; }
  [[nodiscard]] std::string sniName() const override { return serverName_; }
  [[nodiscard]] std::vector<std::string> peerCertificateChain() const override { return {}; }
  [[nodiscard]] std::string remoteAddress() const override { return remote_; }
  [[nodiscard]] std::string localAddress() const override { return {}; }
  [[nodiscard]] net::StreamStats stats() const override { return stats_; }

 private:
  struct Held {
    std::uint64_t rid;
    std::unique_ptr<BoshReply> reply;
    base::SteadyTime since;
  };
  struct Early {
    BoshBody body;
    std::unique_ptr<BoshReply> reply;
  };

  void process(const BoshBody& body, std::unique_ptr<BoshReply> reply);
  void deliver(std::string_view message);
  void flush();
  void scheduleFlush();
  void answer(Held& held, std::string_view payloads, std::string_view condition);
  void terminate(std::string_view condition);
  void refuse(std::uint64_t rid, std::unique_ptr<BoshReply> reply, std::string_view condition);
  void reportClosed(std::string_view reason);
  bool retransmit(std::uint64_t rid, std::unique_ptr<BoshReply>& reply);
  std::string sessionAttributes() const;

  net::EventLoop& loop_;
  const base::Clock& clock_;
  BoshSessions* registry_;
  std::string sid_;
  BoshGrant grant_;
  std::string to_;
  std::string remote_;
  std::string serverName_;
  std::uint64_t creationRid_;
  std::uint64_t nextRid_;
  std::uint32_t requests_;  // hold + 1: the rid window and the most requests at once
  net::ByteStreamHandler* handler_ = nullptr;
  std::deque<Held> held_;
  std::map<std::uint64_t, Early> early_;  // ahead of nextRid_, inside the window
  std::deque<std::pair<std::uint64_t, std::string>> answered_;  // the last `requests_` answers
  std::string out_;               // payloads the session wrote, not yet sent
  std::string condition_;         // the terminal condition, once terminated
  base::SteadyTime lastRequest_;  // the last request or answer: inactivity counts from it
  base::SteadyTime lastEmptyPoll_{};
  bool lastPollAnsweredEmpty_ = false;
  bool streamError_ = false;  // the last payload was a <stream:error/>
  bool terminated_ = false;
  bool closedReported_ = false;
  bool flushPosted_ = false;
  int handling_ = 0;  // > 0 while a request is fed to the c2s session
  net::StreamStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The sessions of one server, by sid, and the one timer that ticks them.
class BoshSessions {
 public:
  BoshSessions(net::EventLoop& loop, const base::Clock& clock);
  ~BoshSessions();
  BoshSessions(const BoshSessions&) = delete;
  BoshSessions& operator=(const BoshSessions&) = delete;

  // A fresh random sid (128 bits, hex) not in use.
  std::string newSid() const;
  void add(BoshSession* session);
  void remove(BoshSession* session);
  [[nodiscard]] BoshSession* find(std::string_view sid) const;
  [[nodiscard]] std::size_t size() const { return sessions_.size(); }

 private:
  void arm();

  net::EventLoop& loop_;
  const base::Clock& clock_;
  net::Timer timer_;
  std::map<std::string, BoshSession*, std::less<>> sessions_;
};

}  // namespace keyfed::modules::c2s
