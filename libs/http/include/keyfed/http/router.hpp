#pragma once
// Routes by method and path (docs/http.md). A route names its own body limit
// (never above Limits::bodyBytes), so a 2 MB upload to a 256 KiB endpoint is
// refused with 413 from its Content-Length, before any of the body is read.
//
// Paths match exactly, or by prefix when the route's path ends in "/*"
// ("/upload/*" matches "/upload/a/b"). Handlers run on the loop thread and
// answer at once.
//
// A WebSocket route (docs/websocket.md) has an UpgradeHandler instead: a GET
// with a valid RFC 6455 handshake offering the route's subprotocol is answered
// 101, and the connection's byte stream (with any bytes received after the
// handshake) is handed to the handler; HTTP is done with it. A GET without a
// valid handshake is refused (400, or 426 Upgrade Required).
//
// A deferred route (BOSH long polling) has a DeferredHandler instead: it gets
// a Responder and may answer later (responder.hpp).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/result.hpp"
#include "keyfed/http/message.hpp"
#include "keyfed/http/responder.hpp"

namespace keyfed::net {
class ByteStream;
}

namespace keyfed::http {

using Handler = std::function<Response(const Request&)>;

// What a route's header check decides before any of the body is read.
struct HeaderVerdict {
  std::optional<Response> refusal;  // set: answered at once, the connection closes
  std::size_t maxBodyBytes = 0;     // otherwise: the body this request may send
};
using DeferredHandler = std::function<void(const Request&, Responder responder)>;
using UpgradeHandler = std::function<void(const Request&, std::unique_ptr<net::ByteStream> stream,
                                          std::string buffered)>;

struct Route {
  std::string method;
  std::string path;
  std::size_t maxBodyBytes = 0;  // 0: no body accepted
  Handler handler;
  // Set for a WebSocket route (method GET, no body): `handler` is not used.
  UpgradeHandler upgrade = {};
  std::string subprotocol = {};  // the Sec-WebSocket-Protocol a client must offer ("xmpp")
  // Optional: decides from the header alone whether this request may send a
  // body, and how large (never above maxBodyBytes). An HTTP upload URL uses
  // it: its slot says exactly how many bytes may come, so a stranger cannot
  // make the server buffer a body at all.
  std::function<HeaderVerdict(const Request& header)> checkHeader = {};
  // Set for a route that may answer later: `handler` is not used. A request
  // still unanswered after `deferredTimeout` is answered 504 by the
  // connection, which then closes.
  DeferredHandler deferred = {};
  std::chrono::steady_clock::duration deferredTimeout = std::chrono::seconds(120);
};

class Router {
 public:
  // Errors: a path not starting with '/', an empty method, a method + path
  // already routed.
  base::Result<void> add(Route route);

  // The route for method + path; nullptr when none.
  [[nodiscard]] const Route* find(std::string_view method, std::string_view path) const;
  // The methods routed for `path` ("GET, POST"), "" when the path is unknown:
  // 405 with Allow, or 404.
  [[nodiscard]] std::string allowedMethods(std::string_view path) const;
  [[nodiscard]] bool empty() const { return routes_.empty(); }

 private:
  std::vector<Route> routes_;
};

}  // namespace keyfed::http
