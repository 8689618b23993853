#include "c2s_module.hpp"

#include "c2s_session.hpp"
#include "keyfed/modules/c2s.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeC2sModule(http::Router* https) {
  return std::make_unique<c2s::C2sModule>(https);
}

namespace c2s {

C2sModule::C2sModule(http::Router* https) : https_(https) {}

C2sModule::~C2sModule() {
  for (auto& listener : listeners_) listener->close();
  sessions_.clear();
}

base::Result<void> C2sModule::load(server::Server& server) {
  server_ = &server;
  const auto& config = server.config();
  throttle_ = std::make_unique<server::AuthThrottle>(config.limits.authFailures,
                                                     config.limits.authFailureWindow);

  // RFC 3921 session establishment is a no-op today (RFC 6121 Appendix E), but
  // older clients still send it and expect a result.
  for (const char* name : {"iq-set/self/urn:ietf:params:xml:ns:xmpp-session",
                           "iq-set/host/urn:ietf:params:xml:ns:xmpp-session"}) {
    server.hooks().stanzas.hook(name, [](server::StanzaEvent& e) {
      e.server.route(xmpp::makeIqResult(e.stanza));
      return true;
    });
  }

  for (const auto& listener : config.listeners) {
    const bool direct = listener.type == config::ListenerType::c2sDirectTls;
    if (listener.type != config::ListenerType::c2s && !direct) continue;
    net::ListenOptions options;
    options.address = listener.address;
    options.port = listener.port;
    if (direct) {
      if (server.tlsContext() == nullptr) {
        return base::fail("c2s.no-certificate",
                          "a c2s_direct_tls listener needs a virtual host with a certificate");
      }
      options.directTls = server.tlsContext();
    }
    auto opened = net::Listener::open(server.loop(), options,
                                      [this](std::unique_ptr<net::ByteStream> stream) {
                                        accept(std::move(stream), Framing::tcp);
                                      });
    if (!opened) return base::fail(opened.error());
    log_.info("{} listening on {}:{}", config::toString(listener.type), (*opened)->address(),
              (*opened)->port());
    listeners_.push_back(std::move(*opened));
  }
  // RFC 7395 on the https listeners; their connections become sessions here.
  // XEP-0206 too, at /http-bind.
  if (https_ != nullptr) {
    if (auto added = addWebSocketRoutes(*https_); !added) return added;
    return addBoshRoutes(*https_);
  }
  return {};
}

void C2sModule::accept(std::unique_ptr<net::ByteStream> stream, Framing framing) {
  if (server_->shuttingDown()) return;  // dropping the stream closes it
  auto session = std::make_unique<C2sSession>(*this, *server_, std::move(stream), framing);
  C2sSession* raw = session.get();
  sessions_.emplace(raw, std::move(session));
  raw->start();
}

void C2sModule::release(C2sSession* session) {
  // The session is inside its own callback: destroy it once that returns.
  server_->loop().post([this, session] { sessions_.erase(session); });
}

void C2sModule::shutdown() {
  for (auto& listener : listeners_) listener->close();
  listeners_.clear();
  std::vector<C2sSession*> open;
  open.reserve(sessions_.size());
  for (auto& [raw, owned] : sessions_) open.push_back(raw);
  for (C2sSession* s : open) {
    s->closeWithError(xmpp::StreamErrorCondition::systemShutdown, "the server is shutting down");
  }
}

}  // namespace c2s
}  // namespace keyfed::modules
