#pragma once
// The https module (docs/http.md): opens every [[listener]] of type "https"
// (direct TLS with the virtual hosts' certificates, chosen by SNI) and serves
// the routes other modules and components add to routes() before the server
// starts (the FAC agent's POST /fac/request, the clearinghouse table, WebSocket and
// host-meta, uploads; BOSH later).
// Limits come from the [http] section (https_config.hpp).

#include <memory>

#include "keyfed/http/router.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::net {
class Listener;
}
namespace keyfed::http {
class HttpServer;
}

namespace keyfed::modules {

class HttpsModule final : public server::Module {
 public:
  HttpsModule();
  ~HttpsModule() override;
  [[nodiscard]] std::string_view name() const override { return "https"; }
  base::Result<void> load(server::Server& server) override;
  void shutdown() override;
  // Where routes are added (composition: before Server::start()).
  http::Router& routes() { return routes_; }

 private:
  http::Router routes_;
  std::unique_ptr<http::HttpServer> http_;
  std::vector<std::unique_ptr<net::Listener>> listeners_;
};

std::unique_ptr<HttpsModule> makeHttpsModule();

}  // namespace keyfed::modules
