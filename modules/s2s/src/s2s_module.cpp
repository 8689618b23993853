#include "s2s_module.hpp"

#include <algorithm>

#include "certificate_names.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/policy/static_decider.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "peer_facts.hpp"
#include "s2s_in_session.hpp"
#include "s2s_out_session.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeS2sModule() {
  return std::make_unique<s2s::S2sModule>();
}

std::vector<S2sPairStatus> s2sPairs(server::Module& s2s) {
  auto* module = dynamic_cast<s2s::S2sModule*>(&s2s);
  return module != nullptr ? module->pairs() : std::vector<S2sPairStatus>{};
}

namespace s2s {
namespace {

const S2sConfig* sectionOf(const config::Config& config) {
  return config.section<S2sConfig>("s2s");
}

net::ResolverOptions resolverOptions(const S2sConfig& settings,
                                     std::chrono::seconds connectTimeout) {
  net::ResolverOptions options;
  for (const auto& route : settings.routes) {
    options.staticRoutes[route.domain].push_back({route.host, route.port, route.directTls});
  }
  options.servers = settings.dnsServers;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(connectTimeout);
  return options;
}

}  // namespace

S2sModule::S2sModule() = default;

S2sModule::~S2sModule() {
  *alive_ = false;
  for (auto& listener : listeners_) listener->close();
  incoming_.clear();
  outgoing_.clear();
}

base::Result<void> S2sModule::load(server::Server& server) {
  server_ = &server;
  const auto& config = server.config();
  settings_ = sectionOf(config);
  if (settings_ == nullptr) settings_ = &defaults_;
  keys_ = std::make_unique<DialbackKeys>(settings_->dialbackSecret);
  throttle_ = std::make_unique<ConnectionThrottle>(settings_->connectionAttempts);
  auto verifier = net::CertificateVerifier::create(config.tls.caFile.string());
  if (!verifier) return base::fail(verifier.error());
  verifier_ = std::move(*verifier);
  resolver_ =
      net::Resolver::create(server.loop(), resolverOptions(*settings_, settings_->connectTimeout));
  if (auto tls = prepareTls(); !tls) return tls;
  installPolicy(*settings_);

  server.hooks().stanzas.hook("route/remote",
                              [this](server::StanzaEvent& e) { return routeRemote(e); });
  server.hooks().config.hook("config-reloaded", [this](server::ConfigEvent& e) {
    onConfigReloaded(e.next);
    return false;
  });
  holdTimer_ = std::make_unique<net::Timer>(server.loop());
  server.hooks().federation.hook("fac-access-granted", [this](server::FederationEvent& e) {
    accessAnswered(e.remote, true, e.reason);
    return false;
  });
  server.hooks().federation.hook("fac-access-refused", [this](server::FederationEvent& e) {
    accessAnswered(e.remote, false, e.reason);
    return false;
  });
  std::weak_ptr<bool> alive = alive_;
  server.policy().onChange([this, alive] {
    if (auto a = alive.lock(); a && *a) recheckAll();
  });
  return openListeners();
}

base::Result<void> S2sModule::prepareTls() {
  const auto& config = server_->config();
  const std::string minVersion = config.tls.minVersion == config::TlsVersion::tls13 ? "1.3" : "1.2";
  std::vector<net::TlsIdentity> identities;
  // Every served domain presents its host's certificate: a component domain
  // (conference.<host>) has none of its own, so the host's must name it too
  // (docs/federation.md, "Component domains").
  std::vector<std::string> served;
  for (const auto& host : config.virtualHosts) served.push_back(host.domain);
  for (auto& component : server_->componentDomains()) served.push_back(std::move(component));
  for (const auto& domain : served) {
    const auto* host = config.findHost(server_->hostOf(domain));
    if (host == nullptr || host->certificate.empty() || host->key.empty()) continue;
    if (host->domain != domain &&
        !certificateNames(*verifier_, host->certificate.string(), domain, server_->clock().now())) {
      log_.warn(
          "s2s: the certificate of {} ({}) does not name {}: peers will not count it for {}, "
          "which then reaches at most 'secure' with them (name it in that certificate, or a "
          "wildcard of its parent domain)",
          host->domain, host->certificate.string(), domain, domain);
    }
    identities.push_back({domain, host->certificate.string(), host->key.string()});
    net::TlsClientSettings client;
    client.caFile = config.tls.caFile.string();
    client.minVersion = minVersion;
    client.certificateFile = host->certificate.string();
    client.keyFile = host->key.string();
    auto context = net::TlsClientContext::create(client);
    if (!context) return base::fail(context.error());
    tlsClients_.emplace(domain, std::move(*context));
  }
  net::TlsClientSettings anonymous;
  anonymous.caFile = config.tls.caFile.string();
  anonymous.minVersion = minVersion;
  auto context = net::TlsClientContext::create(anonymous);
  if (!context) return base::fail(context.error());
  tlsClientAnonymous_ = std::move(*context);
  if (!identities.empty()) {
    net::TlsSettings settings;
    settings.minVersion = minVersion;
    settings.ciphers = config.tls.ciphers;
    // Peers authenticate with their certificate (XEP-0178): ask for it.
    settings.requestPeerCertificate = true;
    auto server = net::TlsServerContext::create(identities, settings);
    if (!server) return base::fail(server.error());
    tlsServer_ = std::move(*server);
  } else if (settings_->requireTls) {
    log_.warn(
        "s2s.require_tls is set but no virtual host has a certificate: "
        "no peer can connect and no outgoing stream can be secured");
  }
  return {};
}

base::Result<void> S2sModule::openListeners() {
  for (const auto& listener : server_->config().listeners) {
    const bool direct = listener.type == config::ListenerType::s2sDirectTls;
    if (listener.type != config::ListenerType::s2s && !direct) continue;
    net::ListenOptions options;
    options.address = listener.address;
    options.port = listener.port;
    if (direct) {
      if (tlsServer_ == nullptr) {
        return base::fail("s2s.no-certificate",
                          "an s2s_direct_tls listener needs a virtual host with a certificate");
      }
      options.directTls = tlsServer_;
    }
    auto opened = net::Listener::open(
        server_->loop(), options,
        [this](std::unique_ptr<net::ByteStream> stream) { accept(std::move(stream), false); });
    if (!opened) return base::fail(opened.error());
    log_.info("{} listening on {}:{}", config::toString(listener.type), (*opened)->address(),
              (*opened)->port());
    listeners_.push_back(std::move(*opened));
  }
  return {};
}

std::vector<std::uint16_t> S2sModule::listeningPorts() const {
  std::vector<std::uint16_t> ports;
  for (const auto& listener : listeners_) ports.push_back(listener->port());
  return ports;
}

void S2sModule::accept(std::unique_ptr<net::ByteStream> stream, bool /*directTls*/) {
  if (server_->shuttingDown()) return;  // dropping the stream closes it
  const std::string address = stream->remoteAddress();
  if (!throttle_->allow(address, server_->clock().steadyNow())) {
    log_.info("s2s: refused a connection from {}: more than {} per minute", address,
              settings_->connectionAttempts);
    stream->abort();
    return;
  }
  const auto id = ++lastId_;
  auto session = std::make_unique<S2sInSession>(*this, id, std::move(stream));
  S2sInSession* raw = session.get();
  incoming_.emplace(id, std::move(session));
  raw->start();
}

void S2sModule::release(S2sInSession* session) {
  const auto id = session->id();
  server_->loop().post([this, id, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    incoming_.erase(id);
  });
}

void S2sModule::release(S2sOutSession* session) {
  const auto id = session->id();
  // Routes must not point at a session that is going away.
  for (auto& [key, route] : routes_) {
    if (route.session == session) {
      route.session = nullptr;
      if (route.state != Route::State::idle) route.state = Route::State::idle;
    }
  }
  server_->loop().post([this, id, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    outgoing_.erase(id);
  });
}

std::vector<S2sPairStatus> S2sModule::pairs() const {
  std::vector<S2sPairStatus> out;
  auto byId = [](const auto& sessions) {
    std::vector<std::uint64_t> ids;
    ids.reserve(sessions.size());
    for (const auto& entry : sessions) ids.push_back(entry.first);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  for (auto id : byId(incoming_)) incoming_.at(id)->describePairs(out);
  for (auto id : byId(outgoing_)) outgoing_.at(id)->describePairs(out);
  return out;
}

void S2sModule::shutdown() {
  for (auto& listener : listeners_) listener->close();
  listeners_.clear();
  for (auto& [key, route] : routes_) route.queue.clear();
  std::vector<S2sStream*> open;
  for (auto& [id, s] : incoming_) open.push_back(s.get());
  for (auto& [id, s] : outgoing_) open.push_back(s.get());
  for (auto* s : open) {
    s->closeStream(xmpp::StreamErrorCondition::systemShutdown, "the server is shutting down");
  }
}

std::string_view S2sModule::servedDomain(std::string_view domain) const {
  if (const auto* host = server_->config().findHost(domain)) return host->domain;
  return server_->isComponentDomain(domain) ? domain : std::string_view{};
}

// --- certificates and TLS ----------------------------------------------------------------------

net::CertificateCheck S2sModule::checkCertificate(const std::vector<std::string>& chain,
                                                  std::string_view domain) const {
  if (chain.empty()) {
    net::CertificateCheck none;
    none.problem = "no certificate presented";
    return none;
  }
  return verifier_->check(chain, domain, server_->clock().now());
}

bool S2sModule::acceptable(const net::CertificateCheck& check, std::string_view domain) const {
  if (!check.presented) return false;
  if (check.chainValid && check.matchesDomain && !check.expired) return true;
  return settings_->pinned(domain, check.spkiSha256);
}

std::shared_ptr<net::TlsClientContext> S2sModule::tlsClient(std::string_view localDomain) const {
  auto it = tlsClients_.find(localDomain);
  return it != tlsClients_.end() ? it->second : tlsClientAnonymous_;
}

bool S2sModule::hasCertificate(std::string_view localDomain) const {
  return tlsClients_.find(localDomain) != tlsClients_.end();
}

std::string S2sModule::sourceAddressFor(std::string_view localDomain) const {
  for (const auto& source : settings_->sources) {
    if (source.domain == localDomain) return source.address;
  }
  // A component domain connects from where its host does.
  const std::string_view host = server_->hostOf(localDomain);
  for (const auto& source : settings_->sources) {
    if (!host.empty() && source.domain == host) return source.address;
  }
  if (!settings_->sourceAddress.empty()) return settings_->sourceAddress;
  for (const auto& listener : server_->config().listeners) {
    if (listener.type != config::ListenerType::s2s &&
        listener.type != config::ListenerType::s2sDirectTls) {
      continue;
    }
    // A wildcard listener says nothing about which address peers know.
    if (listener.address == "0.0.0.0" || listener.address == "::" || listener.address.empty()) {
      return {};
    }
    return listener.address;
  }
  return {};
}

// --- the policy -------------------------------------------------------------------------------

void S2sModule::installPolicy(const S2sConfig& settings) {
  policy::StaticPolicy p;
  p.minimumLevel = settings.minimumLevel;
  p.promiscuous = settings.promiscuous;
  for (const auto& peer : settings.peers) {
    if (peer.level) p.levelFor[peer.domain] = *peer.level;
  }
  p.allowDomains = settings.allowDomains;
  p.denyDomains = settings.denyDomains;
  p.allowNetworks = settings.allowNetworks;
  p.denyNetworks = settings.denyNetworks;
  server_->policy().replaceDecider(std::make_shared<policy::StaticDecider>(std::move(p)));
  server_->policy().setDefaultAllow(settings.defaultAllow);
  if (settings.promiscuous) {
    log_.warn("s2s.promiscuous is on: peers that prove nothing are accepted (tests only)");
  }
}

void S2sModule::onConfigReloaded(const config::Config& next) {
  const S2sConfig* updated = sectionOf(next);
  settings_ = updated != nullptr ? updated : &defaults_;
  throttle_->setLimit(settings_->connectionAttempts);
  installPolicy(*settings_);
  log_.info("s2s policy reloaded: minimum level {}, default {}",
            policy::toString(settings_->minimumLevel), settings_->defaultAllow ? "allow" : "deny");
  // Re-decides every live pair (recheckAll, through onChange).
  server_->policy().changed();
}

policy::Decision S2sModule::decide(const policy::PeerFacts& facts) {
  // A component domain has no policy of its own: the pair is decided as its
  // host's pair with the same peer (docs/decisions.md D35), so a peer refused
  // for the host is refused for its rooms too, and a grant for the host
  // covers them.
  const std::string_view host = server_->hostOf(facts.localDomain);
  const bool component = !host.empty() && host != facts.localDomain;
  policy::Decision decision;
  std::string shown = facts.localDomain;
  if (component) {
    policy::PeerFacts asHost = facts;
    asHost.localDomain = std::string(host);
    decision = server_->policy().decideStream(asHost);
    shown += " (as " + asHost.localDomain + ")";
  } else {
    decision = server_->policy().decideStream(facts);
  }
  const char* verdict = decision.allowed() ? "allowed" : "refused";
  const auto line = fmt::format(
      "s2s policy: {} {} {} {} {} [{}] {}: {} ({})", verdict, policy::toString(facts.direction),
      shown, facts.direction == policy::Direction::inbound ? "<-" : "->", facts.peerDomain,
      facts.address, describe(facts), decision.reason, decision.decider);
  if (decision.allowed()) {
    log_.info("{}", line);
  } else {
    log_.warn("{}", line);
  }
  return decision;
}

void S2sModule::recheckAll() {
  std::vector<S2sInSession*> in;
  for (auto& [id, s] : incoming_) in.push_back(s.get());
  std::vector<S2sOutSession*> out;
  for (auto& [id, s] : outgoing_) out.push_back(s.get());
  for (auto* s : in) s->recheck();
  for (auto* s : out) s->recheck();
}

// --- dialback verification relay ----------------------------------------------------------------

void S2sModule::requestVerify(std::uint64_t inId, const std::string& receiving,
                              const std::string& originating, const std::string& streamId,
                              const std::string& key, const std::string& via) {
  // Any live outgoing stream to the authoritative server will do (XEP-0220
  // 2.1.2); prefer one from the receiving domain, else open one.
  const std::string& from = via.empty() ? receiving : via;
  S2sOutSession* chosen = nullptr;
  for (auto& [id, s] : outgoing_) {
    if (s->closing() || s->remoteDomain() != originating) continue;
    if (chosen == nullptr || s->streamDomain() == from) chosen = s.get();
  }
  if (chosen == nullptr) {
    chosen = &newOutgoing(from, originating);
    auto& route = routes_[{from, originating}];
    if (route.state == Route::State::idle) {
      route.state = Route::State::pending;
      route.session = chosen;
    }
  }
  chosen->verify(VerifyRequest{inId, receiving, streamId, key});
}

void S2sModule::verifyAnswered(std::uint64_t inId, const std::string& receiving,
                               const std::string& originating, const std::string& streamId,
                               const VerifyOutcome& outcome) {
  // Possibly inside an outgoing session's callback: answer on the next turn.
  server_->loop().post(
      [this, inId, receiving, originating, streamId, outcome, alive = std::weak_ptr<bool>(alive_)] {
        if (alive.expired()) return;
        auto it = incoming_.find(inId);
        if (it == incoming_.end()) return;
        it->second->verifyDone(receiving, originating, streamId, outcome);
      });
}

// --- outgoing routes
// ------------------------------------------------------------------------------

S2sOutSession& S2sModule::newOutgoing(const std::string& local, const std::string& remote,
                                      RedirectHandover* handover) {
  const auto id = ++lastId_;
  auto session = std::make_unique<S2sOutSession>(*this, id, local, remote);
  S2sOutSession* raw = session.get();
  outgoing_.emplace(id, std::move(session));
  log_.debug("s2s out {}: new stream {} -> {}", id, local, remote);
  if (handover != nullptr) {
    raw->startRedirected(std::move(*handover));
  } else {
    raw->start();
  }
  return *raw;
}

bool S2sModule::routeRemote(server::StanzaEvent& event) {
  const std::string local(event.from.domain());
  const std::string remote(event.to.domain());
  if (!event.from.valid() || !serves(local)) {
    // Not ours to relay (the router only sends what came from a local entity).
    log_.debug("s2s: not relaying <{}/> from '{}' to '{}'", event.stanza.name(),
               event.stanza.attr("from"), event.stanza.attr("to"));
    return true;
  }
  if (server_->shuttingDown()) {
    bounce(event.stanza, xmpp::StanzaErrorCondition::remoteServerTimeout,
           "the server is shutting down");
    return true;
  }
  enqueue({local, remote}, Queued{std::move(event.stanza), false});
  return true;
}

void S2sModule::enqueue(const PairKey& key, Queued item) {
  if (routes_.size() >= pruneAt_) pruneRoutes();
  auto& route = routes_[key];
  const bool usable =
      route.state == Route::State::ready && route.session != nullptr && !route.session->closing();
  if (usable) {
    if (deliver(key, route, item)) return;
  } else {
    const auto now = server_->clock().steadyNow();
    if (route.state == Route::State::idle && now < route.retryAt) {
      // A recent attempt failed: answer at once instead of queueing for nothing.
      bounce(item.stanza, route.lastError, route.lastText);
      return;
    }
  }
  if (route.queue.size() >= settings_->queueSize) {
    bounce(item.stanza, xmpp::StanzaErrorCondition::resourceConstraint,
           "too many stanzas waiting for the connection to " + key.second);
    return;
  }
  route.queue.push_back(std::move(item));
  if (!usable && route.state != Route::State::pending) startRoute(key, route);
}

// Pairs nobody used lately cost a map entry each; forget the idle ones whose
// back-off is over (they start from scratch next time).
void S2sModule::pruneRoutes() {
  const auto now = server_->clock().steadyNow();
  std::erase_if(routes_, [now](const auto& entry) {
    const Route& r = entry.second;
    return r.state == Route::State::idle && r.queue.empty() && r.session == nullptr &&
           now >= r.retryAt;
  });
  // Many live pairs: do not scan again on every stanza.
  pruneAt_ = std::max(kPruneRoutesAt, routes_.size() * 2);
}

void S2sModule::startRoute(const PairKey& key, Route& route) {
  route.state = Route::State::pending;
  for (auto& [id, s] : outgoing_) {
    if (s->remoteDomain() == key.second && s->canMultiplex()) {
      log_.debug("s2s out {}: multiplexing {} -> {}", id, key.first, key.second);
      route.session = s.get();
      s->addPair(key.first);
      return;
    }
  }
  route.session = &newOutgoing(key.first, key.second);
}

void S2sModule::pairReady(S2sOutSession& session, const std::string& local,
                          const std::string& refusedHere, const std::string& refusedByPeer) {
  const PairKey key{local, session.remoteDomain()};
  auto& route = routes_[key];
  route.state = Route::State::ready;
  route.session = &session;
  route.backoff = std::chrono::seconds(0);
  route.retryAt = {};
  route.refusedHere = refusedHere;
  route.refusedByPeer = refusedByPeer;
  if (refusedHere.empty() && !refusedByPeer.empty()) askForAccess(key, route);
  flush(key, route);
}

// Stanzas in order; those that must wait (automatic mode) stay queued, in order.
void S2sModule::flush(const PairKey& key, Route& route) {
  std::deque<Queued> waiting;
  while (!route.queue.empty() && route.session != nullptr && !route.session->closing()) {
    Queued item = std::move(route.queue.front());
    route.queue.pop_front();
    if (!deliver(key, route, item)) waiting.push_back(std::move(item));
  }
  if (waiting.empty()) return;
  for (auto& item : route.queue) waiting.push_back(std::move(item));
  route.queue = std::move(waiting);
}

void S2sModule::pairFailed(S2sOutSession& session, const std::string& local,
                           xmpp::StanzaErrorCondition condition, const std::string& text) {
  auto& route = routes_[{local, session.remoteDomain()}];
  if (route.session != nullptr && route.session != &session) return;  // another attempt owns it
  route.state = Route::State::idle;
  route.session = nullptr;
  route.backoff = route.backoff.count() == 0 ? std::chrono::seconds(1)
                                             : std::min(route.backoff * 2, kMaxBackoff);
  route.retryAt = server_->clock().steadyNow() + route.backoff;
  route.lastError = condition;
  route.lastText = text;
  route.refusedHere.clear();
  route.refusedByPeer.clear();
  route.asking = false;
  bounceQueue(route, condition, text);
}

void S2sModule::pairClosed(S2sOutSession& session, const std::string& local) {
  auto it = routes_.find({local, session.remoteDomain()});
  if (it == routes_.end() || it->second.session != &session) return;
  it->second.state = Route::State::idle;
  it->second.session = nullptr;
  it->second.refusedHere.clear();
  it->second.refusedByPeer.clear();
  it->second.asking = false;
  // Stanzas queued meanwhile (or waiting for access) start a new attempt.
  if (!it->second.queue.empty()) startRoute(it->first, it->second);
}

void S2sModule::bounceQueue(Route& route, xmpp::StanzaErrorCondition condition,
                            const std::string& text) {
  auto queue = std::move(route.queue);
  route.queue.clear();
  for (const auto& item : queue) bounce(item.stanza, condition, text);
}

void S2sModule::bounce(const xml::Element& stanza, xmpp::StanzaErrorCondition condition,
                       const std::string& text) {
  // Posted: a bounce may reach a client session that is itself in a callback.
  server_->loop().post([this, stanza, condition, text, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    server_->bounce(stanza, condition, text);
  });
}

}  // namespace s2s
}  // namespace keyfed::modules
