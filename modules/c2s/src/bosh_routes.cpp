// The c2s module's BOSH route (docs/bosh.md): POST /http-bind carries XEP-0124
// bodies to BoshSessions; OPTIONS answers CORS preflights for web clients.

#include "bosh_session.hpp"
#include "c2s_module.hpp"
#include "host_meta.hpp"
#include "keyfed/modules/bosh_config.hpp"

namespace keyfed::modules::c2s {
namespace {

// Every answer may be read by a page from any origin: what it carries is only
// for whoever holds the sid, and logging in still takes a password.
void addCors(http::Response& response) {
  response.headers.push_back({"access-control-allow-origin", "*"});
}

http::Response xmlResponse(std::string body) {
  http::Response response;
  response.headers.push_back({"content-type", "text/xml; charset=utf-8"});
  addCors(response);
  response.body = std::move(body);
  return response;
}

// A terminal binding condition for a request that has no session (XEP-0124 17).
std::string terminalBody(std::string_view condition) {
  std::string attributes;
  appendAttribute("type", "terminate", attributes);
  appendAttribute("condition", condition, attributes);
  std::string body;
  writeBoshBody(attributes, {}, body);
  return body;
}

class ResponderReply final : public BoshReply {
 public:
  explicit ResponderReply(http::Responder responder) : responder_(std::move(responder)) {}
  [[nodiscard]] bool connected() const override { return responder_.connected(); }
  void send(std::string body) override { responder_.answer(xmlResponse(std::move(body))); }

 private:
  http::Responder responder_;
};

}  // namespace

base::Result<void> C2sModule::addBoshRoutes(http::Router& routes) {
  const BoshConfig config = boshConfig(server_->config());
  if (!config.enabled) return {};
  bosh_ = std::make_unique<BoshSessions>(server_->loop(), server_->clock());

  http::Route post;
  post.method = "POST";
  post.path = std::string(kBoshPath);
  post.maxBodyBytes = config.maxBodyBytes;
  // The session answers within its wait; this only catches a bug.
  post.deferredTimeout = config.maxWait + std::chrono::seconds(30);
  post.deferred = [this](const http::Request& request, http::Responder responder) {
    onBoshRequest(request, std::move(responder));
  };
  if (auto added = routes.add(std::move(post)); !added) return added;

  http::Route preflight;
  preflight.method = "OPTIONS";
  preflight.path = std::string(kBoshPath);
  preflight.handler = [](const http::Request& /*request*/) {
    http::Response response;
    response.status = 204;
    addCors(response);
    response.headers.push_back({"access-control-allow-methods", "POST, OPTIONS"});
    response.headers.push_back({"access-control-allow-headers", "content-type"});
    response.headers.push_back({"access-control-max-age", "86400"});
    return response;
  };
  return routes.add(std::move(preflight));
}

void C2sModule::onBoshRequest(const http::Request& request, http::Responder responder) {
  const BoshConfig config = boshConfig(server_->config());
  xml::ParserLimits limits = c2sParserLimits(server_->config());
  limits.maxStanzaBytes = config.maxBodyBytes;
  auto body = parseBoshBody(request.body, limits);
  if (!body) {
    log().info("{}: BOSH request refused: {}", request.remoteAddress, body.error().message);
    responder.answer(xmlResponse(terminalBody("bad-request")));
    return;
  }
  auto reply = std::make_unique<ResponderReply>(std::move(responder));
  if (!body->sid.empty()) {
    BoshSession* session = bosh_->find(body->sid);
    if (session == nullptr) {
      reply->send(terminalBody("item-not-found"));
      return;
    }
    session->handle(std::move(*body), std::move(reply));
    return;
  }
  // XEP-0124 7.1 and XEP-0206 5: a session creation request.
  if (server_->shuttingDown()) {
    reply->send(terminalBody("system-shutdown"));
    return;
  }
  BoshGrant grant;
  grant.wait = std::min(config.maxWait, std::chrono::seconds(body->wait.value_or(60)));
  grant.hold = std::min(config.maxHold, body->hold.value_or(1));
  grant.inactivity = config.inactivity;
  grant.polling = config.polling;
  auto session =
      std::make_unique<BoshSession>(server_->loop(), server_->clock(), bosh_.get(), bosh_->newSid(),
                                    grant, *body, request.remoteAddress, request.serverName);
  BoshSession* raw = session.get();
  accept(std::move(session), Framing::bosh);
  raw->handleCreation(std::move(reply));
}

}  // namespace keyfed::modules::c2s
