// Server lifecycle: TLS context, module loading, graceful shutdown.
#include "keyfed/server/server.hpp"

#include <utility>

#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/tls.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::server {

std::string_view serverVersion() {
  return KEYFED_VERSION;
}

struct Server::ShutdownTimer {
  explicit ShutdownTimer(net::EventLoop& loop) : timer(loop) {}
  net::Timer timer;
};

Server::Server(const config::Config& config, storage::Storage& storage, net::EventLoop& loop,
               const base::Clock& clock)
    : config_(&config), storage_(storage), loop_(loop), clock_(clock) {
  disco_.addServerIdentity({"server", "im", std::string(kServerName)});
  disco_.addServerFeature(xmpp::ns::discoInfo);
  disco_.addServerFeature(xmpp::ns::discoItems);
}

Server::~Server() {
  // Modules may hold sessions that unregister through hooks_: drop them first.
  while (!modules_.empty()) modules_.pop_back();
}

void Server::addModule(std::unique_ptr<Module> module) {
  modules_.push_back(std::move(module));
}

base::Result<void> Server::start() {
  startedAt_ = clock_.steadyNow();
  std::vector<net::TlsIdentity> identities;
  for (const auto& host : config_->virtualHosts) {
    if (host.certificate.empty() || host.key.empty()) continue;
    identities.push_back({host.domain, host.certificate.string(), host.key.string()});
  }
  if (!identities.empty()) {
    net::TlsSettings settings;
    settings.minVersion = config_->tls.minVersion == config::TlsVersion::tls13 ? "1.3" : "1.2";
    settings.ciphers = config_->tls.ciphers;
    auto tls = net::TlsServerContext::create(identities, settings);
    if (!tls) return base::fail(tls.error());
    tls_ = std::move(*tls);
  }
  for (auto& module : modules_) {
    auto loaded = module->load(*this);
    if (!loaded) {
      auto error = std::move(loaded).error();
      error.message = "module " + std::string(module->name()) + ": " + error.message;
      return base::fail(std::move(error));
    }
    log_.debug("module {} loaded", module->name());
  }
  return {};
}

void Server::reload(const config::Config& next) {
  const config::Config& previous = *config_;
  config_ = &next;
  ConfigEvent event{*this, previous, next};
  hooks_.config.fire("config-reloaded", event);
  log_.info("configuration reloaded from {}", next.file.string());
}

bool Server::isLocalDomain(std::string_view domain) const {
  return config_->findHost(domain) != nullptr;
}

base::Result<void> Server::addComponentDomain(std::string_view domain, std::string_view host) {
  if (domain.empty()) return base::fail("server.component", "a component domain is empty");
  if (isLocalDomain(domain)) {
    return base::fail("server.component",
                      "component domain " + std::string(domain) + " is also a virtual host");
  }
  if (isComponentDomain(domain)) {
    return base::fail("server.component",
                      "component domain " + std::string(domain) + " is served twice");
  }
  std::string owner(host);
  if (!owner.empty() && !isLocalDomain(owner)) {
    return base::fail("server.component", "component domain " + std::string(domain) + ": " + owner +
                                              " is not a virtual host");
  }
  if (owner.empty()) {
    // The host it is a subdomain of (the longest such); else the first host.
    for (const auto& vhost : config_->virtualHosts) {
      const bool sub = domain.size() > vhost.domain.size() + 1 && domain.ends_with(vhost.domain) &&
                       domain[domain.size() - vhost.domain.size() - 1] == '.';
      if (sub && vhost.domain.size() > owner.size()) owner = vhost.domain;
    }
    if (owner.empty() && !config_->virtualHosts.empty()) {
      owner = config_->virtualHosts.front().domain;
    }
  }
  components_.push_back({std::string(domain), "component/" + std::string(domain), owner});
  return {};
}

const Server::Component* Server::findComponent(std::string_view domain) const {
  for (const auto& component : components_) {
    if (component.domain == domain) return &component;
  }
  return nullptr;
}

std::string_view Server::hostOf(std::string_view domain) const {
  if (const auto* host = config_->findHost(domain)) return host->domain;
  if (const auto* component = findComponent(domain)) return component->host;
  return {};
}

std::vector<std::string> Server::componentDomains() const {
  std::vector<std::string> domains;
  domains.reserve(components_.size());
  for (const auto& component : components_) domains.push_back(component.domain);
  return domains;
}

void Server::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  if (shuttingDown_) return;
  shuttingDown_ = true;
  shutdownDone_ = std::move(done);
  log_.info("shutting down ({} connections)", connections_);
  for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) (*it)->shutdown();
  shutdownTimer_ = std::make_unique<ShutdownTimer>(loop_);
  shutdownTimer_->timer.start(grace, [this] {
    log_.warn("shutdown grace period over with {} connections left", connections_);
    connections_ = 0;
    finishShutdownIfIdle();
  });
  // Let the streams flush their goodbyes before deciding we are idle.
  loop_.post([this] { finishShutdownIfIdle(); });
}

void Server::untrackConnection() {
  if (connections_ > 0) --connections_;
  if (shuttingDown_) finishShutdownIfIdle();
}

void Server::finishShutdownIfIdle() {
  if (connections_ != 0 || !shutdownDone_) return;
  if (shutdownTimer_) shutdownTimer_->timer.cancel();
  auto done = std::exchange(shutdownDone_, nullptr);
  done();
}

}  // namespace keyfed::server
