#include "load_run.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "message_body.hpp"
#include "process_stats.hpp"

namespace keyfed::loadgen {

namespace {

using namespace std::chrono_literals;

constexpr auto kRateTick = 1ms;
// After </stream:stream> a session waits up to 5 s for the server's; then we abort.
constexpr auto kCloseTimeout = 7s;
// Fixed rate: a sender whose partner is this far behind skips its turns
// (counted as not sent) instead of queueing without bound.
constexpr std::uint64_t kMinBacklog = 1000;
constexpr std::size_t kMaxExampleBytes = 300;

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

}  // namespace

LoadRun::LoadRun(net::EventLoop& loop, Options options, Connector connector,
                 std::shared_ptr<net::TlsClientContext> tls)
    : loop_(loop),
      options_(std::move(options)),
      connector_(std::move(connector)),
      tls_(std::move(tls)),
      rateTimer_(loop),
      phaseTimer_(loop),
      closeTimer_(loop) {
  result_.options = options_;
  result_.connectionsRequested = options_.connections;
  runId_ = std::random_device{}();
}

LoadRun::~LoadRun() = default;

RunResult LoadRun::run() {
  loop_.post([this] {
    if (options_.prime) {
      startPrime();
    } else {
      startLogin();
    }
  });
  loop_.run();

  result_.pbkdf2Runs = cache_.pbkdf2Runs();
  result_.lost = result_.sent > result_.delivered ? result_.sent - result_.delivered : 0;
  for (auto& [code, summary] : errors_) result_.errors.push_back(summary);
  std::stable_sort(result_.errors.begin(), result_.errors.end(),
                   [](const ErrorSummary& a, const ErrorSummary& b) { return a.count > b.count; });
  return result_;
}

void LoadRun::interrupt() {
  if (phase_ == Phase::closing || phase_ == Phase::done) return;
  log_.warn("interrupted: closing the connections");
  result_.interrupted = true;
  closeMeasureWindow();  // the figures so far are still worth reporting
  startClosing();
}

std::optional<double> LoadRun::cpuSecondsSince(
    const std::optional<std::chrono::microseconds>& start) const {
  if (!start) return std::nullopt;
  auto now = processCpuTime(options_.serverPid);
  if (!now) return std::nullopt;
  return std::chrono::duration<double>(*now - *start).count();
}

std::int64_t LoadRun::nowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<ClientSession> LoadRun::makeSession(std::uint32_t index, bool stopAfterAuth) {
  SessionConfig c;
  c.index = index;
  c.domain = options_.domain;
  c.username = options_.username(index);
  c.password = options_.password;
  c.resource = stopAfterAuth ? "lg-prime" : "lg" + std::to_string(index);
  c.hash = options_.mechanism == "SCRAM-SHA-1" ? xmpp::ScramHash::sha1 : xmpp::ScramHash::sha256;
  c.tls = tls_;
  c.loginTimeout = millis(options_.loginTimeout);
  c.stopAfterAuth = stopAfterAuth;
  SessionObserver& observer = *this;
  return std::make_unique<ClientSession>(loop_, std::move(c), connector_, cache_, observer);
}

// --- prime -------------------------------------------------------------------

void LoadRun::startPrime() {
  phase_ = Phase::prime;
  primeStart_ = Clock::now();
  const std::uint32_t accounts = options_.accountCount();
  log_.info("priming: logging each of {} accounts in once", accounts);
  primers_.resize(accounts);
  while (primeNext_ < accounts && primeNext_ - primeClosed_ < options_.connectConcurrency) {
    primers_[primeNext_] = makeSession(primeNext_, true);
    primers_[primeNext_++]->start();
  }
}

void LoadRun::onAuthenticated(ClientSession& /*session*/) {
  ++result_.primedAccounts;
}

// --- login storm --------------------------------------------------------------

void LoadRun::startLogin() {
  if (phase_ != Phase::prime) return;  // interrupted while priming
  phase_ = Phase::login;
  primers_.clear();
  if (options_.prime) result_.primeSeconds = seconds(Clock::now() - primeStart_);
  if (options_.serverPid > 0) result_.rssBeforeKib = residentKib(options_.serverPid);

  const std::uint32_t n = options_.connections;
  log_.info("login storm: {} connections, {} at a time", n, options_.connectConcurrency);
  sessions_.reserve(n);
  peers_.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    sessions_.push_back(makeSession(i, false));
    peers_[i].partner = (i ^ 1U) < n ? (i ^ 1U) : i;
  }
  serverCpuAtLoginStart_ = processCpuTime(options_.serverPid);
  loginStart_ = Clock::now();
  startMoreLogins();
}

void LoadRun::startMoreLogins() {
  while (phase_ == Phase::login && loginNext_ < sessions_.size() &&
         loginsInProgress_ < options_.connectConcurrency) {
    const std::uint32_t i = loginNext_++;
    ++loginsInProgress_;
    peers_[i].started = Clock::now();
    sessions_[i]->start();
  }
}

void LoadRun::onReady(ClientSession& session) {
  Peer& peer = peers_[session.index()];
  if (peer.settled) return;
  peer.settled = true;
  const auto now = Clock::now();
  ++result_.connectionsEstablished;
  result_.loginLatency.record(now - peer.started);
  lastReady_ = now;
  loginSettled();
}

void LoadRun::loginSettled() {
  --loginsInProgress_;
  ++loginsSettled_;
  if (phase_ != Phase::login) return;
  if (loginsSettled_ < sessions_.size()) {
    startMoreLogins();
    return;
  }
  if (result_.connectionsEstablished > 0) {
    result_.establishSeconds = seconds(lastReady_ - loginStart_);
  }
  result_.serverCpuLoginSeconds = cpuSecondsSince(serverCpuAtLoginStart_);
  if (options_.serverPid > 0) result_.rssAfterLoginKib = residentKib(options_.serverPid);
  log_.info("logged in: {} of {} in {:.3f} s", result_.connectionsEstablished, sessions_.size(),
            result_.establishSeconds);
  if (options_.duration > 0) {
    loop_.post([this] { startMessages(); });
  } else {
    loop_.post([this] { startClosing(); });
  }
}

// --- messages -----------------------------------------------------------------

void LoadRun::startMessages() {
  if (phase_ != Phase::login) return;
  phase_ = Phase::messages;
  for (std::uint32_t i = 0; i < sessions_.size(); ++i) {
    if (sessions_[i]->ready() && sessions_[peers_[i].partner]->ready()) {
      peers_[i].sender = true;
      senders_.push_back(i);
    }
  }
  result_.senders = static_cast<std::uint32_t>(senders_.size());
  if (senders_.empty()) {
    log_.warn("no pair of connections is ready: no messages to send");
    startClosing();
    return;
  }
  result_.messaging = true;
  sending_ = true;
  log_.info("messages: {} senders, {}", senders_.size(),
            options_.rate > 0 ? fmt::format("{} msg/s in total", options_.rate)
                              : fmt::format("window {} per sender", options_.inflight));
  if (options_.warmup > 0) {
    phaseTimer_.start(millis(options_.warmup), [this] { beginMeasure(); });
  } else {
    beginMeasure();
  }
  if (options_.rate > 0) {
    rateStart_ = Clock::now();
    maxBacklog_ = std::max<std::uint64_t>(kMinBacklog, options_.inflight);
    rateTick();
  } else {
    for (std::uint32_t s : senders_) refill(s);
  }
}

void LoadRun::beginMeasure() {
  if (phase_ != Phase::messages) return;
  measuring_ = true;
  measureStart_ = Clock::now();
  cpuAtMeasureStart_ = ownCpuTime();
  serverCpuAtMeasureStart_ = processCpuTime(options_.serverPid);
  phaseTimer_.start(millis(options_.duration), [this] { endMeasure(); });
}

void LoadRun::endMeasure() {
  closeMeasureWindow();
  log_.info("measured {:.3f} s: {} delivered; draining {} in flight", result_.measuredSeconds,
            result_.measuredDelivered, outstanding_);
  phase_ = Phase::drain;
  phaseTimer_.start(millis(options_.drain), [this] {
    log_.warn("drain timeout: {} messages still in flight", outstanding_);
    startClosing();
  });
  maybeDrained();
}

void LoadRun::closeMeasureWindow() {
  if (!measuring_) return;
  const auto now = Clock::now();
  measuring_ = false;
  sending_ = false;
  rateTimer_.cancel();
  result_.measuredSeconds = seconds(now - measureStart_);
  const auto cpu = ownCpuTime() - cpuAtMeasureStart_;
  if (result_.measuredSeconds > 0) {
    result_.clientCpuPercent =
        100.0 * std::chrono::duration<double>(cpu).count() / result_.measuredSeconds;
  }
  result_.serverCpuMeasureSeconds = cpuSecondsSince(serverCpuAtMeasureStart_);
  if (options_.serverPid > 0) result_.rssEndKib = residentKib(options_.serverPid);
}

void LoadRun::maybeDrained() {
  if (phase_ != Phase::drain || outstanding_ != 0) return;
  phaseTimer_.cancel();
  loop_.post([this] { startClosing(); });
}

void LoadRun::sendOne(std::uint32_t sender, std::int64_t stampNs) {
  Peer& p = peers_[sender];
  encodeBody(MessageStamp{runId_, sender, p.nextSeq, stampNs}, options_.messageBytes, body_);
  id_ = "m";
  id_ += std::to_string(p.nextSeq);
  sessions_[sender]->sendChat(sessions_[p.partner]->jid(), id_, body_);
  ++p.nextSeq;
  ++p.outstanding;
  ++outstanding_;
  ++result_.sent;
  if (measuring_) ++result_.measuredSent;
}

void LoadRun::refill(std::uint32_t sender) {
  Peer& p = peers_[sender];
  while (sending_ && p.sender && p.outstanding < options_.inflight) sendOne(sender, nowNs());
}

void LoadRun::rateTick() {
  if (!sending_) return;
  const auto elapsed = Clock::now() - rateStart_;
  const double intervalNs = 1e9 / options_.rate;
  // Message k is due at rateStart_ + k * interval; k = 0 goes at once.
  const auto due =
      static_cast<std::uint64_t>(std::floor(static_cast<double>(elapsed.count()) / intervalNs)) + 1;
  const std::int64_t base =
      std::chrono::duration_cast<std::chrono::nanoseconds>(rateStart_.time_since_epoch()).count();
  while (rateScheduled_ < due) {
    const std::uint64_t k = rateScheduled_++;
    const std::uint32_t s = senders_[k % senders_.size()];
    const Peer& p = peers_[s];
    if (!p.sender || p.outstanding >= maxBacklog_) {
      ++result_.notSent;
      continue;
    }
    sendOne(s, base + static_cast<std::int64_t>(std::llround(static_cast<double>(k) * intervalNs)));
  }
  rateTimer_.start(kRateTick, [this] { rateTick(); });
}

void LoadRun::onChat(ClientSession& session, std::string_view from, std::string_view body) {
  const std::int64_t now = nowNs();
  auto stamp = decodeBody(body);
  if (stamp && stamp->run != runId_) {
    ++result_.earlierRun;  // stored while its receiver was gone, delivered at our login
    return;
  }
  if (!stamp || stamp->sender >= sessions_.size() ||
      peers_[stamp->sender].partner != session.index()) {
    ++result_.unexpected;
    recordError("loadgen.unexpected-message", "connection " + std::to_string(session.index()) +
                                                  " received a body it was not sent: '" +
                                                  std::string(body.substr(0, 60)) + "'");
    return;
  }
  const std::uint32_t s = stamp->sender;
  if (from != sessions_[s]->jid()) {
    ++result_.unexpected;
    recordError("loadgen.wrong-from", "message from '" + std::string(from.substr(0, 100)) +
                                          "', sent by '" + sessions_[s]->jid() + "'");
    return;
  }
  ++result_.delivered;
  Peer& sp = peers_[s];
  if (sp.outstanding > 0) {
    --sp.outstanding;
    --outstanding_;
  }
  Peer& rp = peers_[session.index()];
  if (stamp->seq < rp.expectedSeq) {
    ++result_.reordered;
    recordError("loadgen.reordered", "message " + std::to_string(stamp->seq) + " from " +
                                         sessions_[s]->jid() + " after message " +
                                         std::to_string(rp.expectedSeq - 1));
  } else {
    rp.expectedSeq = stamp->seq + 1;
  }
  if (measuring_) {
    ++result_.measuredDelivered;
    result_.latency.record(std::chrono::nanoseconds(now - stamp->sentNs));
  }
  if (options_.rate == 0) refill(s);
  maybeDrained();
}

void LoadRun::onStanzaError(ClientSession& session, const xml::Element& stanza) {
  ++result_.stanzaErrors;
  std::string condition = "(no condition)";
  if (auto e = xmpp::parseStanzaError(stanza)) condition = xmpp::conditionName(e->condition);
  recordError("loadgen.stanza-error", "connection " + std::to_string(session.index()) +
                                          " received <" + stanza.name() + " type='error'/> (" +
                                          condition + ")");
  // A bounced message of ours (the server echoes the payload) is resolved.
  const xml::Element* body = stanza.child("body", xmpp::ns::client);
  if (body == nullptr) return;
  auto stamp = decodeBody(body->text());
  if (!stamp || stamp->run != runId_ || stamp->sender != session.index()) return;
  Peer& p = peers_[session.index()];
  if (p.outstanding > 0) {
    --p.outstanding;
    --outstanding_;
  }
  maybeDrained();
}

// --- failures and closing -------------------------------------------------------

void LoadRun::onFailed(ClientSession& session) {
  const auto& error = session.error();
  if (error) {
    recordError(error->code, "connection " + std::to_string(session.index()) + " (" +
                                 session.config().username + "): " + error->message);
  }
  if (session.config().stopAfterAuth) return;  // a primer: the storm will show it too
  if (phase_ == Phase::closing || phase_ == Phase::done) return;
  ++result_.connectionsFailed;
  Peer& peer = peers_[session.index()];
  if (!peer.settled) {
    peer.settled = true;
    loginSettled();
    return;
  }
  // A ready connection died: neither it nor its partner sends any more, and
  // what its partner sent it will never arrive (counted as lost at the end).
  Peer& partner = peers_[peer.partner];
  peer.sender = false;
  partner.sender = false;
  outstanding_ -= partner.outstanding;
  partner.outstanding = 0;
  maybeDrained();
}

void LoadRun::onClosed(ClientSession& session) {
  if (session.config().stopAfterAuth) {
    ++primeClosed_;
    if (phase_ == Phase::prime) {
      const std::uint32_t accounts = options_.accountCount();
      while (primeNext_ < accounts && primeNext_ - primeClosed_ < options_.connectConcurrency) {
        primers_[primeNext_] = makeSession(primeNext_, true);
        primers_[primeNext_++]->start();
      }
      if (primeClosed_ == accounts) loop_.post([this] { startLogin(); });
    }
    maybeDone();
    return;
  }
  ++closedCount_;
  maybeDone();
}

void LoadRun::startClosing() {
  if (phase_ == Phase::closing || phase_ == Phase::done) return;
  phase_ = Phase::closing;
  sending_ = false;
  measuring_ = false;
  rateTimer_.cancel();
  phaseTimer_.cancel();
  log_.info("closing {} connections", sessions_.size());
  for (auto& primer : primers_) {
    if (primer) primer->close();
  }
  for (auto& session : sessions_) session->close();
  closeTimer_.start(kCloseTimeout, [this] {
    log_.warn("close timeout: aborting the connections still open");
    for (auto& primer : primers_) {
      if (primer) primer->abort();
    }
    for (auto& session : sessions_) session->abort();
  });
  maybeDone();
}

void LoadRun::maybeDone() {
  if (phase_ != Phase::closing) return;
  if (closedCount_ < sessions_.size() || primeClosed_ < primeNext_) return;
  phase_ = Phase::done;
  closeTimer_.cancel();
  loop_.post([this] { loop_.stop(); });
}

void LoadRun::recordError(const std::string& code, const std::string& message) {
  ErrorSummary& e = errors_[code];
  if (e.count++ == 0) {
    e.code = code;
    e.example = message.substr(0, kMaxExampleBytes);
    log_.warn("{}: {}", code, e.example);
  } else {
    log_.debug("{}: {}", code, message);
  }
}

}  // namespace keyfed::loadgen
