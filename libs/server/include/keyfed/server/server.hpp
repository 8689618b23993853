#pragma once
// The server: configuration, storage, the event loop, hooks, the session
// registry, the router, and the modules composed by main(). Modules receive a
// Server& in load() and use only this interface.
//
// Everything runs on the loop thread; nothing here locks.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/config/config.hpp"
#include "keyfed/policy/policy_point.hpp"
#include "keyfed/server/disco_registry.hpp"
#include "keyfed/server/events.hpp"
#include "keyfed/server/module.hpp"
#include "keyfed/server/session_registry.hpp"
#include "keyfed/storage/stores.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"

namespace keyfed::net {
class EventLoop;
class TlsServerContext;
}  // namespace keyfed::net

namespace keyfed::server {

inline constexpr std::string_view kServerName = "keyfed";
std::string_view serverVersion();

class Server {
 public:
  Server(const config::Config& config, storage::Storage& storage, net::EventLoop& loop,
         const base::Clock& clock);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Composition (main and tests): modules load in the order added.
  void addModule(std::unique_ptr<Module> module);
  // Builds the TLS context from the virtual hosts' certificates (when any are
  // configured) and loads the modules.
  base::Result<void> start();
  // Graceful shutdown: every module's shutdown(), then `done` once all
  // sessions registered with trackConnection() are gone or `grace` passed.
  void shutdown(std::chrono::milliseconds grace, std::function<void()> done);
  [[nodiscard]] bool shuttingDown() const { return shuttingDown_; }

  // What modules use.
  Hooks& hooks() { return hooks_; }
  SessionRegistry& sessions() { return sessions_; }
  DiscoRegistry& disco() { return disco_; }
  storage::Storage& storage() { return storage_; }
  const config::Config& config() const { return *config_; }
  // Switches to a newly loaded configuration (which the caller keeps alive
  // for the server's lifetime) and fires "config-reloaded". Listeners and
  // virtual hosts are not changed by a reload; modules decide what they apply.
  void reload(const config::Config& next);
  const base::Clock& clock() const { return clock_; }
  net::EventLoop& loop() { return loop_; }
  // The one federation policy point (docs/federation.md): s2s asks it, the
  // config, the FAC agent and the clearinghouse feed it deciders.
  policy::PolicyPoint& policy() { return policy_; }
  // The TLS context for the virtual hosts (nullptr when no host has a certificate).
  [[nodiscard]] const std::shared_ptr<net::TlsServerContext>& tlsContext() const { return tls_; }
  [[nodiscard]] bool isLocalDomain(std::string_view domain) const;

  // Component domains (docs/modules.md, "Component domains"): a domain served
  // inside this server by one module (the MUC service), not an account host.
  // Every stanza addressed to it fires "component/<domain>" instead of the
  // local or remote routes; unhandled requests get service-unavailable.
  // Each belongs to a virtual host, `host`, whose certificate and federation
  // policy it shares (docs/federation.md, "Component domains"); "" = the
  // host it is a subdomain of, else the first virtual host.
  // Fails for a virtual host's domain, a domain added twice and a `host`
  // that is not a virtual host.
  base::Result<void> addComponentDomain(std::string_view domain, std::string_view host = {});
  [[nodiscard]] bool isComponentDomain(std::string_view domain) const {
    return findComponent(domain) != nullptr;
  }
  // The virtual host a served domain belongs to: a virtual host itself, a
  // component domain its host; "" for a domain not served here.
  [[nodiscard]] std::string_view hostOf(std::string_view domain) const;
  // The component domains, in the order added.
  [[nodiscard]] std::vector<std::string> componentDomains() const;
  [[nodiscard]] std::chrono::steady_clock::time_point startedAt() const { return startedAt_; }

  // Routing (docs/modules.md, "How a stanza travels").
  // A stanza from a bound client: 'from' is stamped with its full JID, then the
  // pre- events run, then route().
  void processFromClient(ClientSession& client, xml::Element&& stanza);
  // Delivers a stanza whose 'from' is already trustworthy (set by the server,
  // a module, or an authenticated s2s stream) to its 'to'.
  void route(xml::Element&& stanza, Session* origin = nullptr);
  // Answers `stanza` with a stanza error, routed back to its sender, unless
  // it is itself an error (RFC 6120 8.3.1).
  void bounce(const xml::Element& stanza, xmpp::StanzaErrorCondition condition,
              std::string_view text = {});
  // The router's default delivery to a local account (used by modules that
  // handled an event only to look at it, e.g. carbons, and by the fallbacks).
  void deliverToBare(StanzaEvent& event);
  void deliverToFull(StanzaEvent& event);

  // Connections count toward shutdown: a module calls trackConnection() for
  // each live stream and untrackConnection() when it is gone.
  void trackConnection() { ++connections_; }
  void untrackConnection();
  [[nodiscard]] std::size_t connectionCount() const { return connections_; }

  const base::Logger& log() const { return log_; }

 private:
  void routeLocal(StanzaEvent& event);
  // Hands the stanza to its component when event.to is a component domain;
  // returns false (doing nothing) otherwise.
  bool routeToComponent(StanzaEvent& event);
  struct Component {
    std::string domain;
    std::string event;  // "component/<domain>", built once, not per stanza
    std::string host;   // the virtual host it belongs to
  };
  const Component* findComponent(std::string_view domain) const;
  void routeLocalIq(StanzaEvent& event, std::string_view toType);
  bool fireIqRequest(StanzaEvent& event, std::string_view toType);
  void finishShutdownIfIdle();

  const config::Config* config_;
  storage::Storage& storage_;
  net::EventLoop& loop_;
  const base::Clock& clock_;
  base::Logger log_{"server"};
  Hooks hooks_;
  SessionRegistry sessions_;
  DiscoRegistry disco_;
  policy::PolicyPoint policy_;
  std::shared_ptr<net::TlsServerContext> tls_;
  std::vector<std::unique_ptr<Module>> modules_;
  std::vector<Component> components_;
  std::chrono::steady_clock::time_point startedAt_;
  std::size_t connections_ = 0;
  bool shuttingDown_ = false;
  std::function<void()> shutdownDone_;
  struct ShutdownTimer;
  std::unique_ptr<ShutdownTimer> shutdownTimer_;
};

}  // namespace keyfed::server
