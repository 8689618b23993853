#include "component_module.hpp"

#include "component_session.hpp"
#include "keyfed/modules/component.hpp"
#include "keyfed/net/event_loop.hpp"
#include "stanza_rules.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeComponentModule() {
  return std::make_unique<component::ComponentModule>();
}

namespace component {
namespace {

bool isLoopback(std::string_view address) {
  return address.starts_with("127.") || address == "::1";
}

}  // namespace

ComponentModule::ComponentModule() = default;

ComponentModule::~ComponentModule() {
  for (auto& listener : listeners_) listener->close();
  sessions_.clear();
}

base::Result<void> ComponentModule::load(server::Server& server) {
  server_ = &server;
  const auto& config = server.config();
  throttle_ = std::make_unique<server::AuthThrottle>(config.limits.authFailures,
                                                     config.limits.authFailureWindow);
  for (const ComponentEntry& entry : componentEntries(config)) {
    // The same registration as the MUC service's: the router hands every stanza for the
    // domain, its bare and full JIDs to "component/<domain>" (and s2s treats it alike).
    if (auto added = server.addComponentDomain(entry.domain); !added) return added;
    ComponentRoute& route = routes_.emplace_back(ComponentRoute{entry, nullptr});
    server.hooks().stanzas.hook(
        "component/" + entry.domain,
        [this, &route](server::StanzaEvent& e) { return onStanzaFor(route, e); });
    // Listed whether connected or not, as Prosody lists its components.
    server.disco().addServerItem({entry.domain, entry.name});
  }
  return openListeners();
}

base::Result<void> ComponentModule::openListeners() {
  for (const auto& listener : server_->config().listeners) {
    if (listener.type != config::ListenerType::component) continue;
    net::ListenOptions options;
    options.address = listener.address;
    options.port = listener.port;
    auto opened = net::Listener::open(
        server_->loop(), options,
        [this](std::unique_ptr<net::ByteStream> stream) { accept(std::move(stream)); });
    if (!opened) return base::fail(opened.error());
    log_.info("component listening on {}:{}", (*opened)->address(), (*opened)->port());
    if (!isLoopback(listener.address)) {
      log_.warn(
          "component listener on {} is not loopback: XEP-0114 has no TLS, so the "
          "components' traffic crosses the network in the clear (docs/components.md)",
          listener.address);
    }
    if (routes_.empty())
      log_.warn("a component listener without [[component]] refuses every stream");
    listeners_.push_back(std::move(*opened));
  }
  return {};
}

bool ComponentModule::onStanzaFor(ComponentRoute& route, server::StanzaEvent& event) {
  if (route.connected != nullptr) {
    route.connected->send(event.stanza);
    return true;
  }
  // Not connected: messages and iq requests are bounced by the router
  // (service-unavailable); the rest is dropped here.
  if (bounceWhileDisconnected(event.stanza)) return false;
  log_.debug("{} is not connected: dropping a <{}/> from {}", route.entry.domain,
             event.stanza.name(), event.from.full());
  return true;
}

ComponentRoute* ComponentModule::findRoute(std::string_view domain) {
  for (auto& route : routes_) {
    if (route.entry.domain == domain) return &route;
  }
  return nullptr;
}

void ComponentModule::accept(std::unique_ptr<net::ByteStream> stream) {
  if (server_->shuttingDown()) return;  // dropping the stream closes it
  auto session = std::make_unique<ComponentSession>(*this, *server_, std::move(stream));
  ComponentSession* raw = session.get();
  sessions_.emplace(raw, std::move(session));
  raw->start();
}

void ComponentModule::release(ComponentSession* session) {
  // The session is inside its own callback: destroy it once that returns.
  server_->loop().post([this, session] { sessions_.erase(session); });
}

void ComponentModule::shutdown() {
  for (auto& listener : listeners_) listener->close();
  listeners_.clear();
  std::vector<ComponentSession*> open;
  open.reserve(sessions_.size());
  for (auto& [raw, owned] : sessions_) open.push_back(raw);
  for (ComponentSession* s : open) {
    s->closeWithError(xmpp::StreamErrorCondition::systemShutdown, "the server is shutting down");
  }
}

}  // namespace component
}  // namespace keyfed::modules
