// The clearinghouse's table over HTTPS (docs/clearinghouse.md, "Bootstrap
// over HTTPS"): GET /.well-known/keyfed/clearinghouse-table answers the signed
// document exactly as publish-subscribe carries it, so a member that cannot
// reach the clearinghouse over s2s yet can bootstrap. The document is signed:
// the route needs no authentication, only a rate limit per client address.

#include <string>

#include "keyfed/clearinghouse/module.hpp"
#include "keyfed/http/rate_limiter.hpp"
#include "keyfed/http/router.hpp"

namespace keyfed::clearinghouse {
namespace {

class TableHttpsModule final : public server::Module {
 public:
  TableHttpsModule(ClearinghouseModule& clearinghouse, http::Router& routes)
      : clearinghouse_(clearinghouse), routes_(routes) {}

  [[nodiscard]] std::string_view name() const override { return "clearinghouse-https"; }

  base::Result<void> load(server::Server& server) override {
    Publisher* publisher = clearinghouse_.publisher();
    if (publisher == nullptr) return {};  // not a clearinghouse: nothing is served
    limiter_ = std::make_unique<http::RateLimiter>(publisher->config().httpsBurst,
                                                   publisher->config().httpsInterval);
    server_ = &server;
    // No body: a GET with Content-Length > 0 is a 413 before any byte is read.
    return routes_.add(
        {"GET", std::string(kTablePath), 0, [this](const http::Request& r) { return handle(r); }});
  }

 private:
  http::Response handle(const http::Request& request) {
    const Publisher& publisher = *clearinghouse_.publisher();
    if (!limiter_->allow(request.remoteAddress, server_->clock().steadyNow())) {
      log_.info("table over HTTPS for {} refused: rate limit", request.remoteAddress);
      http::Response r = http::Response::error(429, "clearinghouse.busy",
                                               "too many requests from this address; retry later");
      r.headers.push_back(
          {"retry-after", std::to_string(publisher.config().httpsInterval.count())});
      return r;
    }
    if (publisher.version() == 0 || publisher.document().empty()) {
      return http::Response::error(404, "clearinghouse.no-table",
                                   "no table has been published yet");
    }
    // The version is the entity tag: a member holding it is told so in a
    // 304 of a few bytes instead of the whole table.
    const std::string etag = "\"" + std::to_string(publisher.version()) + "\"";
    const std::string* ifNoneMatch = request.header("if-none-match");
    if (ifNoneMatch != nullptr && http::ifNoneMatchHits(*ifNoneMatch, etag)) {
      http::Response r;
      r.status = 304;
      r.headers = {{"etag", etag}, {"cache-control", "no-cache"}};
      return r;
    }
    http::Response r = http::Response::json(200, publisher.document());
    // Caches may keep it but must ask again: a newer version may exist.
    r.headers.push_back({"etag", etag});
    r.headers.push_back({"cache-control", "no-cache"});
    return r;
  }

  ClearinghouseModule& clearinghouse_;
  http::Router& routes_;
  server::Server* server_ = nullptr;
  std::unique_ptr<http::RateLimiter> limiter_;
  base::Logger log_{"clearinghouse"};
};

}  // namespace

std::unique_ptr<server::Module> makeTableHttpsModule(ClearinghouseModule& clearinghouse,
                                                     http::Router& routes) {
  return std::make_unique<TableHttpsModule>(clearinghouse, routes);
}

}  // namespace keyfed::clearinghouse
