#include "keyfed/modules/https.hpp"

#include "keyfed/http/server.hpp"
#include "keyfed/modules/https_config.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::modules {

HttpsModule::HttpsModule() = default;

HttpsModule::~HttpsModule() {
  for (auto& listener : listeners_) listener->close();
}

base::Result<void> HttpsModule::load(server::Server& server) {
  const auto& config = server.config();
  const http::Limits* configured = config.section<http::Limits>(kHttpSection);
  http_ = std::make_unique<http::HttpServer>(server.loop(), routes_,
                                             configured != nullptr ? *configured : http::Limits{});
  http_->onConnectionCount([&server](int delta) {
    if (delta > 0) {
      server.trackConnection();
    } else {
      server.untrackConnection();
    }
  });
  for (const auto& listener : config.listeners) {
    if (listener.type != config::ListenerType::https) continue;
    if (server.tlsContext() == nullptr) {
      return base::fail("https.no-certificate",
                        "an https listener needs a virtual host with a certificate");
    }
    net::ListenOptions options;
    options.address = listener.address;
    options.port = listener.port;
    options.directTls = server.tlsContext();
    auto opened = net::Listener::open(
        server.loop(), options,
        [this](std::unique_ptr<net::ByteStream> stream) { http_->accept(std::move(stream)); });
    if (!opened) return base::fail(opened.error());
    server.log().info("https listening on {}:{}", (*opened)->address(), (*opened)->port());
    listeners_.push_back(std::move(*opened));
  }
  return {};
}

void HttpsModule::shutdown() {
  for (auto& listener : listeners_) listener->close();
  listeners_.clear();
  if (http_) http_->shutdown();
}

std::unique_ptr<HttpsModule> makeHttpsModule() {
  return std::make_unique<HttpsModule>();
}

}  // namespace keyfed::modules
