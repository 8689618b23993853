#pragma once
// The FAC agent (docs/fac-protocol.md, docs/policy.md): takes signed change
// requests carrying KeyNote credentials, decides them against the local
// KeyNote POLICY, applies granted changes to the live policy for a limited
// time, and records every step in the audit log.
//
//   request -> read (fac.malformed) -> target, timestamp window, signature,
//   nonce (fac.stale, fac.bad-signature, fac.replay) -> attributes and the
//   changes they ask for (fac.attributes, fac.unsupported) -> KeyNote query
//   with the requester as action authorizer -> granted: add the rules with
//   expiry = min(asked, the answer's bound, max_validity); refused: explain.
//
// The transports (the XMPP iq to <domain>/fac, the admin socket) are in
// module.hpp; this class is the handler they share. Everything runs on the
// server's loop thread.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/agent/config.hpp"
#include "keyfed/agent/protocol.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/policy/live_policy.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::net {
class Timer;
}

namespace keyfed::agent {

// Who delivered a request.
struct Origin {
  std::string peer;    // the sender's JID, or "admin" for the admin socket
  std::string domain;  // the delivering domain (Origin_Domain); "" for the admin socket
};

enum class Status { granted, refused, invalid };
std::string_view toString(Status status);

struct Change {
  std::int64_t entry = 0;
  storage::PolicyEntryKind kind = storage::PolicyEntryKind::whitelist;
  std::string rule;  // one-line description
  std::string spec;  // the stored JSON
};

// The answer to a request (its JSON form is the protocol's response).
struct Response {
  std::string id;
  Status status = Status::invalid;
  std::string value;  // the compliance value of the query (granted, refused)
  std::vector<Change> changes;
  std::optional<base::SystemTime> expires;
  std::string explanation;  // the KeyNote explanation (granted, refused)
  std::string note;         // e.g. a grant that changes nothing here
  base::Error error;        // invalid: code and message

  [[nodiscard]] std::string toJson() const;
};

// An answer to a request this server's agent sent (fac-send).
struct Outgoing {
  std::string iqId;
  std::string to;
  std::string requestId;
  base::SystemTime sent;
  bool answered = false;
  std::string response;  // the peer's JSON answer, or an error description
};

class Agent {
 public:
  Agent(server::Server& server, AgentConfig config);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Loads the live policy from storage, puts the keynote-whitelist decider in
  // front of the policy point and expires what is already due.
  base::Result<void> start();
  // A reloaded configuration (new POLICY assertions, bounds, groups).
  void reconfigure(AgentConfig config);
  [[nodiscard]] const AgentConfig& config() const { return config_; }
  [[nodiscard]] server::Server& server() { return server_; }

  // Decides one request (any transport) and audits it.
  Response handle(std::string_view requestJson, const Origin& origin);

  // Removes the entries due now (the expiry timer calls it), audits each and
  // tells the policy point; re-arms the timer.
  void expireDue();
  // Administrator actions (audited with `who`).
  base::Result<std::optional<storage::PolicyEntry>> revoke(std::int64_t id, std::string_view who);
  base::Result<std::vector<storage::PolicyEntry>> addEntries(
      const std::vector<policy::Rule>& rules, std::optional<std::chrono::seconds> validity,
      std::string_view who);
  [[nodiscard]] const policy::LivePolicy& live() const { return *live_; }

  // Sends a request to another server's agent (`to`: usually <domain>/fac)
  // as an iq from <local domain>/fac; the answer arrives through
  // handleAnswer(). Returns the iq id.
  base::Result<std::string> send(std::string_view to, const Request& request);
  // An iq result or error addressed to our agent JID.
  void handleAnswer(const xml::Element& iq);
  [[nodiscard]] const Outgoing* outgoing(std::string_view iqId) const;
  // Called with each answer handleAnswer() accepted (automatic mode).
  using AnswerListener = std::function<void(const Outgoing&)>;
  void onAnswer(AnswerListener listener) { answerListener_ = std::move(listener); }

 private:
  Response finishInvalid(Response response, const Origin& origin, std::string_view principal);
  void audit(std::string_view event, std::string_view requestId, std::string_view principal,
             std::string_view peer, std::string_view outcome, std::int64_t entryId,
             std::string detail);
  bool auditOrFail(std::string_view event, std::string_view requestId, std::string_view principal,
                   std::string_view peer, std::string_view outcome, std::string detail);
  void armTimer();
  [[nodiscard]] bool servesTarget(std::string_view domain) const;

  server::Server& server_;
  AgentConfig config_;
  std::shared_ptr<policy::LivePolicy> live_;
  std::unique_ptr<net::Timer> timer_;
  base::Logger log_{"agent"};
  std::deque<Outgoing> outgoing_;  // bounded: the most recent kMaxOutgoing
  std::uint64_t nextIq_ = 0;
  AnswerListener answerListener_;
};

}  // namespace keyfed::agent
