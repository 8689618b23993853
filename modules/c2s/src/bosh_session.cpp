// A BOSH session as a byte stream for the c2s session (docs/bosh.md).

#include "bosh_session.hpp"

#include <algorithm>

#include "c2s_session.hpp"
#include "keyfed/base/hex.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/scram.hpp"

namespace keyfed::modules::c2s {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kFramingNs = "urn:ietf:params:xml:ns:xmpp-framing";
// The sessions are ticked once a second: a held request is answered up to
// this much before its wait is over, never after it.
constexpr auto kTick = 1s;

}  // namespace

BoshSession::BoshSession(net::EventLoop& loop, const base::Clock& clock, BoshSessions* registry,
                         std::string sid, BoshGrant grant, const BoshBody& creation,
                         std::string remoteAddress, std::string serverName)
    : loop_(loop),
      clock_(clock),
      registry_(registry),
      sid_(std::move(sid)),
      grant_(grant),
      to_(creation.to),
      remote_(std::move(remoteAddress)),
      serverName_(std::move(serverName)),
      creationRid_(creation.rid),
      nextRid_(creation.rid),
      requests_(grant.hold + 1),
      lastRequest_(clock.steadyNow()) {
  if (registry_ != nullptr) registry_->add(this);
}

BoshSession::~BoshSession() {
  *alive_ = false;
  if (registry_ != nullptr) registry_->remove(this);
  // Nobody is left to write: whoever still waits learns that it is over.
  if (!held_.empty()) {
    terminated_ = true;
    for (Held& held : held_) answer(held, {}, condition_);
    held_.clear();
  }
}

// --- requests ------------------------------------------------------------------------------

void BoshSession::handleCreation(std::unique_ptr<BoshReply> reply) {
  BoshBody open;
  open.rid = creationRid_;
  process(open, std::move(reply));
  flush();
}

void BoshSession::handle(BoshBody body, std::unique_ptr<BoshReply> reply) {
  lastRequest_ = clock_.steadyNow();
  if (body.rid < nextRid_) {
    // XEP-0124 14.3: a request sent again (its connection broke) gets the
    // same answer; one that is still held gets the new connection.
    if (!retransmit(body.rid, reply)) refuse(body.rid, std::move(reply), "item-not-found");
    return;
  }
  if (body.rid >= nextRid_ + requests_) {
    // 14.2: beyond the window of `requests` the client may have open.
    refuse(body.rid, std::move(reply), "item-not-found");
    return;
  }
  if (body.rid > nextRid_) {
    // Ahead of a request still on its way: wait for the gap to fill.
    const std::uint64_t rid = body.rid;  // read before the move below
    early_[rid] = Early{std::move(body), std::move(reply)};
  } else {
    process(body, std::move(reply));
    while (!terminated_) {
      auto next = early_.find(nextRid_);
      if (next == early_.end()) break;
      Early early = std::move(next->second);
      early_.erase(next);
      process(early.body, std::move(early.reply));
    }
  }
  // 11: more requests at once than `requests` is overactivity.
  if (!terminated_ && held_.size() + early_.size() > requests_) terminate("policy-violation");
  flush();
}

// Ends the session with a terminal binding condition, answering this request
// and every held one.
void BoshSession::refuse(std::uint64_t rid, std::unique_ptr<BoshReply> reply,
                         std::string_view condition) {
  terminate(condition);
  Held stray{rid, std::move(reply), clock_.steadyNow()};
  answer(stray, {}, condition_);
  flush();
}

bool BoshSession::retransmit(std::uint64_t rid, std::unique_ptr<BoshReply>& reply) {
  for (Held& held : held_) {
    if (held.rid == rid) {
      held.reply = std::move(reply);
      return true;
    }
  }
  for (const auto& [answeredRid, body] : answered_) {
    if (answeredRid == rid) {
      reply->send(body);
      return true;
    }
  }
  return false;
}

void BoshSession::process(const BoshBody& body, std::unique_ptr<BoshReply> reply) {
  const auto now = clock_.steadyNow();
  ++nextRid_;
  const bool empty = body.payloads.empty() && !body.restart && !body.terminate;
  // 11: a polling client (hold 0) that asks again sooner than `polling`
  // after an empty answer to an empty request is overactive.
  if (empty && grant_.hold == 0 && body.rid != creationRid_ && lastPollAnsweredEmpty_ &&
      now - lastEmptyPoll_ < grant_.polling) {
    refuse(body.rid, std::move(reply), "policy-violation");
    return;
  }
  if (empty) lastEmptyPoll_ = now;
  held_.push_back(Held{body.rid, std::move(reply), now});
  ++handling_;
  if (body.rid == creationRid_ || body.restart) {
    std::string open = "<open xmlns='";
    open += kFramingNs;
    open += '\'';
    appendAttribute("to", body.rid == creationRid_ || body.to.empty() ? to_ : body.to, open);
    open += " version='1.0'/>";
    deliver(open);
  }
  std::string message;
  for (const xml::Element& payload : body.payloads) {
    if (terminated_) break;
    message.clear();
    xml::serialize(payload, message);
    deliver(message);
  }
  if (body.terminate && !terminated_) {
    std::string close = "<close xmlns='";
    close += kFramingNs;
    close += "'/>";
    deliver(close);
  }
  // An empty request is the client's keepalive: the session hears a space.
  if (empty && body.rid != creationRid_ && !terminated_) deliver(" ");
  --handling_;
}

void BoshSession::deliver(std::string_view message) {
  if (handler_ == nullptr || terminated_) return;
  stats_.bytesIn += message.size();
  handler_->onBytes(message);
}

// --- answers -------------------------------------------------------------------------------

void BoshSession::flush() {
  if (terminated_) {
    std::string_view payloads = out_;
    for (Held& held : held_) {
      answer(held, payloads, condition_);
      payloads = {};
    }
    held_.clear();
    out_.clear();
    for (auto& [rid, early] : early_) {
      Held stray{rid, std::move(early.reply), clock_.steadyNow()};
      answer(stray, {}, condition_);
    }
    early_.clear();
    return;
  }
  if (!out_.empty()) {
    // The oldest request whose client is still there takes everything queued.
    auto taker = std::find_if(held_.begin(), held_.end(),
                              [](const Held& h) { return h.reply->connected(); });
    if (taker != held_.end()) {
      answer(*taker, out_, {});
      out_.clear();
      held_.erase(taker);
    }
  }
  // 7.1: no more than `hold` requests wait; the oldest is answered first.
  while (held_.size() > grant_.hold) {
    answer(held_.front(), {}, {});
    held_.pop_front();
  }
}

void BoshSession::answer(Held& held, std::string_view payloads, std::string_view condition) {
  std::string attributes;
  if (held.rid == creationRid_) attributes = sessionAttributes();
  if (terminated_) {
    appendAttribute("type", "terminate", attributes);
    if (!condition.empty()) appendAttribute("condition", condition, attributes);
  }
  std::string body;
  writeBoshBody(attributes, payloads, body);
  stats_.bytesOut += body.size();
  if (grant_.hold == 0) lastPollAnsweredEmpty_ = payloads.empty();
  if (held.reply != nullptr) held.reply->send(body);
  lastRequest_ = clock_.steadyNow();  // inactivity counts from the last answer too
  answered_.emplace_back(held.rid, std::move(body));
  while (answered_.size() > requests_) answered_.pop_front();
}

std::string BoshSession::sessionAttributes() const {
  std::string out;
  appendAttribute("sid", sid_, out);
  appendAttribute("wait", std::to_string(grant_.wait.count()), out);
  appendAttribute("hold", std::to_string(grant_.hold), out);
  appendAttribute("requests", std::to_string(requests_), out);
  appendAttribute("inactivity", std::to_string(grant_.inactivity.count()), out);
  appendAttribute("polling", std::to_string(grant_.polling.count()), out);
  appendAttribute("ver", "1.11", out);
  appendAttribute("from", to_, out);
  appendAttribute("secure", "true", out);
  appendAttribute("xmpp:version", "1.0", out);
  appendAttribute("xmpp:restartlogic", "true", out);
  return out;
}

void BoshSession::tick(base::SteadyTime now) {
  if (terminated_) return;
  // Answered a tick early rather than late: the client's HTTP timeout is wait.
  const auto due = now + kTick;
  for (auto it = held_.begin(); it != held_.end();) {
    if (due - it->since >= grant_.wait || !it->reply->connected()) {
      answer(*it, {}, {});
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  if (held_.empty() && early_.empty() && now - lastRequest_ >= grant_.inactivity) {
    // 8: no request for `inactivity`: the client is gone. For the c2s
    // session this is a lost connection (stream management may keep it).
    terminated_ = true;
    condition_.clear();
    if (registry_ != nullptr) registry_->remove(this);
    reportClosed("BOSH inactivity timeout");
  }
}

// --- the c2s session's side ----------------------------------------------------------------

void BoshSession::send(std::string_view bytes) {
  if (terminated_ || bytes.empty()) return;
  streamError_ = bytes.starts_with("<stream:error");
  out_.append(bytes);
  if (out_.size() > grant_.maxQueuedBytes) {
    // Nobody fetches: end rather than grow.
    terminate("policy-violation");
    reportClosed("BOSH queue full");
    flush();
    return;
  }
  scheduleFlush();
}

// Answers once per loop turn, so that what the session writes in one turn
// (a burst of offline messages) goes out in one body.
void BoshSession::scheduleFlush() {
  if (handling_ > 0 || flushPosted_) return;  // handle() flushes when it is done
  flushPosted_ = true;
  loop_.post([this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    flushPosted_ = false;
    flush();
  });
}

void BoshSession::startTls(std::shared_ptr<net::TlsServerContext> /*context*/) {
  abort();  // unreachable: the BOSH framing offers no STARTTLS
}

void BoshSession::startTlsClient(std::shared_ptr<net::TlsClientContext> /*context*/,
                                 std::string /*serverName*/) {
  abort();
}

void BoshSession::close() {
  if (terminated_) return;
  // XEP-0206 7: a stream error travels in a terminal body.
  terminate(streamError_ ? "remote-stream-error" : "");
  if (handling_ == 0) flush();
  reportClosed("closed by the server");
}

void BoshSession::abort() {
  out_.clear();
  close();
}

void BoshSession::terminate(std::string_view condition) {
  if (terminated_) return;
  terminated_ = true;
  condition_ = std::string(condition);
  if (registry_ != nullptr) registry_->remove(this);
  reportClosed(condition.empty() ? "terminated" : condition);
}

// The c2s session hears of the end from a later loop turn, as from a socket.
void BoshSession::reportClosed(std::string_view reason) {
  if (closedReported_ || handler_ == nullptr) return;
  closedReported_ = true;
  loop_.post([this, alive = std::weak_ptr<bool>(alive_), why = std::string(reason)] {
    if (!alive.expired() && handler_ != nullptr) handler_->onClosed(why);
  });
}

// --- the registry --------------------------------------------------------------------------

BoshSessions::BoshSessions(net::EventLoop& loop, const base::Clock& clock)
    : loop_(loop), clock_(clock), timer_(loop) {}

BoshSessions::~BoshSessions() {
  timer_.cancel();
}

std::string BoshSessions::newSid() const {
  for (;;) {
    std::string sid = base::toHex(xmpp::randomBytes(16));
    if (!sessions_.contains(sid)) return sid;
  }
}

void BoshSessions::add(BoshSession* session) {
  sessions_[session->sid()] = session;
  if (!timer_.armed()) arm();
}

void BoshSessions::remove(BoshSession* session) {
  auto it = sessions_.find(session->sid());
  if (it != sessions_.end() && it->second == session) sessions_.erase(it);
}

BoshSession* BoshSessions::find(std::string_view sid) const {
  auto it = sessions_.find(sid);
  return it != sessions_.end() ? it->second : nullptr;
}

void BoshSessions::arm() {
  timer_.start(kTick, [this] {
    std::vector<BoshSession*> all;
    all.reserve(sessions_.size());
    for (auto& [sid, session] : sessions_) all.push_back(session);
    const auto now = clock_.steadyNow();
    for (BoshSession* session : all) {
      if (find(session->sid()) == session) session->tick(now);
    }
    if (!sessions_.empty()) arm();
  });
}

}  // namespace keyfed::modules::c2s
