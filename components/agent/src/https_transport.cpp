// The agent's HTTPS transport (docs/fac-protocol.md, "HTTPS"): POST
// /fac/request with the request JSON as the body; the answer is the same JSON
// the XMPP transport carries, with an HTTP status that says the outcome.
// Bounded by the protocol's request size and rate limited per client address.

#include <string>

#include "keyfed/agent/module.hpp"
#include "keyfed/http/rate_limiter.hpp"
#include "keyfed/http/router.hpp"

namespace keyfed::agent {
namespace {

// The status for an answer: 200 granted, 403 refused or a bad signature,
// 409 a replayed nonce, 503 when the agent is busy, 500 for storage
// failures, 400 for the rest of what is invalid.
int statusOf(const Response& response) {
  switch (response.status) {
    case Status::granted: return 200;
    case Status::refused: return 403;
    case Status::invalid: break;
  }
  const std::string& code = response.error.code;
  if (code == errc::kBadSignature) return 403;
  if (code == errc::kReplay) return 409;
  if (code == errc::kBusy) return 503;
  if (code == errc::kInternal) return 500;
  return 400;
}

class FacHttpsModule final : public server::Module {
 public:
  FacHttpsModule(AgentModule& agent, http::Router& routes) : agent_(agent), routes_(routes) {}

  [[nodiscard]] std::string_view name() const override { return "fac-https"; }

  base::Result<void> load(server::Server& server) override {
    Agent* agent = agent_.agent();
    if (agent == nullptr) return {};  // [agent] disabled: nothing is served
    limiter_ = std::make_unique<http::RateLimiter>(agent->config().httpsBurst,
                                                   agent->config().httpsInterval);
    server_ = &server;
    return routes_.add({"POST", "/fac/request", kMaxRequestBytes,
                        [this](const http::Request& r) { return handle(r); }});
  }

 private:
  http::Response handle(const http::Request& request) {
    Agent& agent = *agent_.agent();
    if (!limiter_->allow(request.remoteAddress, server_->clock().steadyNow())) {
      log_.info("FAC request over HTTPS from {} refused: rate limit", request.remoteAddress);
      http::Response r = http::Response::error(429, errc::kBusy,
                                               "too many requests from this address; retry later");
      r.headers.push_back({"retry-after", std::to_string(agent.config().httpsInterval.count())});
      return r;
    }
    const std::string* type = request.header("content-type");
    if (type != nullptr && !type->starts_with("application/json")) {
      return http::Response::error(415, errc::kMalformed, "the body must be application/json");
    }
    // No XMPP domain delivered it: Origin_Domain is empty, as for the admin socket.
    const Origin origin{"https:" + request.remoteAddress, ""};
    const Response response = agent.handle(request.body, origin);
    return http::Response::json(statusOf(response), response.toJson());
  }

  AgentModule& agent_;
  http::Router& routes_;
  server::Server* server_ = nullptr;
  std::unique_ptr<http::RateLimiter> limiter_;
  base::Logger log_{"agent"};
};

}  // namespace

std::unique_ptr<server::Module> makeFacHttpsModule(AgentModule& agent, http::Router& routes) {
  return std::make_unique<FacHttpsModule>(agent, routes);
}

}  // namespace keyfed::agent
