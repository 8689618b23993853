// One HTTP connection (docs/http.md).

#include "connection.hpp"

#include <algorithm>
#include <exception>

#include "keyfed/base/log.hpp"
#include "keyfed/http/websocket_handshake.hpp"

namespace keyfed::http {
namespace {

const base::Logger& httpLog() {
  static const base::Logger logger("http");
  return logger;
}

// Bytes a parser may hold unconsumed beyond the header limit: one chunk
// header line. More means a client is sending something no parser step takes.
constexpr std::size_t kSlack = std::size_t{16} * 1024;

}  // namespace

Connection::Connection(HttpServer& owner, std::unique_ptr<net::ByteStream> stream)
    : owner_(owner),
      stream_(std::move(stream)),
      timer_(owner.loop()),
      parser_(owner.limits()),
      remote_(stream_->remoteAddress()) {}

Connection::~Connection() {
  if (deferred_) deferred_->connection = nullptr;
}

void Connection::start() {
  armIdle();
  stream_->start(this);
}

void Connection::shutdown() {
  shuttingDown_ = true;
  if (!parser_.started() && !deferred_ && !closing_) {
    closing_ = true;
    timer_.cancel();
    stream_->close();
  }
}

void Connection::armIdle() {
  timer_.start(owner_.limits().idleTimeout, [this] {
    closing_ = true;
    stream_->close();
  });
}

void Connection::armRequest() {
  timer_.start(owner_.limits().requestTimeout,
               [this] { failWith(408, "http.timeout", "the request was not complete in time"); });
}

void Connection::onBytes(std::string_view bytes) {
  if (closing_) return;
  if (!parser_.started() && buffer_.empty() && !deferred_) armRequest();
  buffer_.append(bytes);
  if (deferred_ && buffer_.size() > owner_.limits().headerBytes + kSlack) {
    // A pipelining client cannot make a held request's connection buffer
    // without end: it has no answer coming in order, so it gets none.
    httpLog().info("{}: too much input behind a deferred request", remote_);
    deferred_->connection = nullptr;
    deferred_.reset();
    closing_ = true;
    timer_.cancel();
    stream_->close();
    return;
  }
  process();
}

void Connection::process() {
  while (!closing_ && !deferred_ && !buffer_.empty()) {
    std::size_t consumed = 0;
    const auto state = parser_.feed(buffer_, consumed);
    buffer_.erase(0, consumed);
    switch (state) {
      case RequestParser::State::needMore:
        if (buffer_.size() > owner_.limits().headerBytes + kSlack) {
          failWith(400, "http.bad-request", "unparsable input");
        }
        return;
      case RequestParser::State::failed:
        failWith(parser_.error().status, parser_.error().code, parser_.error().message);
        return;
      case RequestParser::State::headerComplete:
        if (!routeHeader()) return;
        break;
      case RequestParser::State::complete:
        answer(parser_.take());
        if (!closing_ && !deferred_ && !buffer_.empty()) armRequest();
        break;
    }
  }
  // A request with no body may be complete right after its header.
  if (!closing_ && !deferred_ && parser_.started()) {
    std::size_t consumed = 0;
    if (parser_.feed({}, consumed) == RequestParser::State::complete) answer(parser_.take());
  }
}

// Looks up the route once the header is in, so the body limit is the
// route's own. Returns false when the connection is done.
bool Connection::routeHeader() {
  const Request& request = parser_.request();
  route_ = owner_.router().find(request.method, request.path);
  std::size_t limit = route_ != nullptr ? route_->maxBodyBytes : 0;
  if (route_ != nullptr && route_->checkHeader) {
    HeaderVerdict verdict = route_->checkHeader(request);
    if (verdict.refusal) {
      httpLog().info("{}: {} {} refused from its header ({})", remote_, request.method,
                     request.path, verdict.refusal->status);
      send(*verdict.refusal, false);
      return false;
    }
    limit = std::min(limit, verdict.maxBodyBytes);
  }
  if (!parser_.setBodyLimit(limit)) {
    // The body is too large for the route, or there is none: answer without
    // reading it, and close (the unread body would be taken as a request).
    if (route_ == nullptr) {
      const std::string allowed = owner_.router().allowedMethods(request.path);
      failWith(allowed.empty() ? 404 : 405, allowed.empty() ? "http.not-found" : "http.method",
               allowed.empty() ? "nothing is served at this path" : "this path takes " + allowed);
      return false;
    }
    failWith(parser_.error().status, parser_.error().code, parser_.error().message);
    return false;
  }
  if (parser_.expectsContinue()) stream_->send("HTTP/1.1 100 Continue\r\n\r\n");
  return true;
}

void Connection::answer(Request request) {
  request.remoteAddress = remote_;
  request.serverName = stream_->sniName();
  ++served_;
  const bool keepAlive =
      request.keepAlive && !shuttingDown_ && served_ < owner_.limits().requestsPerConnection;
  if (route_ == nullptr) {
    const std::string allowed = owner_.router().allowedMethods(request.path);
    Response r = allowed.empty()
                     ? Response::error(404, "http.not-found", "nothing is served at this path")
                     : Response::error(405, "http.method", "this path takes " + allowed);
    if (!allowed.empty()) r.headers.push_back({"allow", allowed});
    send(r, keepAlive);
    return;
  }
  if (route_->upgrade) {
    upgrade(request);
    return;
  }
  if (route_->deferred) {
    defer(request, keepAlive);
    return;
  }
  Response response;
  try {
    response = route_->handler(request);
  } catch (const std::exception& e) {
    // Handlers answer errors as values; an exception is a bug, not a crash.
    httpLog().error("{} {} from {}: handler failed: {}", request.method, request.path, remote_,
                    e.what());
    response = Response::error(500, "http.internal", "the request could not be handled");
  }
  route_ = nullptr;
  send(response, keepAlive);
}

// A WebSocket route: answer 101 and hand the stream over, or refuse and close
// (a client that asked for WebSocket and got none has nothing else to say).
void Connection::upgrade(const Request& request) {
  const Route& route = *route_;
  route_ = nullptr;
  HandshakeCheck check = checkWebSocketHandshake(request, route.subprotocol);
  if (!check.ok) {
    httpLog().info("{}: {} {}: refused WebSocket handshake ({})", remote_, request.method,
                   request.path, check.refusal.status);
    send(check.refusal, false);
    return;
  }
  stream_->send(switchingProtocols(check.accept, route.subprotocol));
  closing_ = true;
  closed_ = true;
  timer_.cancel();
  std::string early = std::move(buffer_);
  buffer_.clear();
  try {
    route.upgrade(request, std::move(stream_), std::move(early));
  } catch (const std::exception& e) {
    // The stream went with the call; whoever holds it now closes it.
    httpLog().error("{}: WebSocket upgrade handler failed: {}", remote_, e.what());
  }
  owner_.release(this);
}

// A route that may answer later: the Responder shares a slot with this
// connection, so whichever goes first, the other learns of it.
void Connection::defer(const Request& request, bool keepAlive) {
  const Route& route = *route_;
  route_ = nullptr;
  deferred_ = std::make_shared<DeferredSlot>(DeferredSlot{this});
  deferredKeepAlive_ = keepAlive;
  timer_.start(route.deferredTimeout, [this] {
    if (!deferred_) return;
    deferred_->connection = nullptr;
    deferred_.reset();
    httpLog().info("{}: a deferred request was not answered in time", remote_);
    send(Response::error(504, "http.timeout", "no answer in time"), false);
  });
  inDeferredHandler_ = true;
  try {
    route.deferred(request, Responder(deferred_));
  } catch (const std::exception& e) {
    httpLog().error("{} {} from {}: handler failed: {}", request.method, request.path, remote_,
                    e.what());
    if (deferred_) {
      deferred_->connection = nullptr;
      deferred_.reset();
      send(Response::error(500, "http.internal", "the request could not be handled"), keepAlive);
    }
  }
  inDeferredHandler_ = false;
}

void Connection::finishDeferred(const Response& response) {
  if (!deferred_ || closing_) return;
  deferred_.reset();
  timer_.cancel();
  send(response, deferredKeepAlive_ && !shuttingDown_);
  // Requests that came in behind this one; from inside the handler, the
  // caller's process() loop goes on by itself.
  if (!closing_ && !inDeferredHandler_ && !buffer_.empty()) {
    armRequest();
    process();
  }
}

void Connection::send(const Response& response, bool keepAlive) {
  stream_->send(serialize(response, keepAlive));
  if (!keepAlive) {
    closing_ = true;
    timer_.cancel();
    stream_->close();
    return;
  }
  armIdle();
}

void Connection::failWith(int status, std::string_view code, std::string_view message) {
  if (closing_) return;
  httpLog().info("{}: {} {} ({})", remote_, status, code, message);
  Response r = Response::error(status, code, message);
  if (status == 405)
    r.headers.push_back({"allow", owner_.router().allowedMethods(parser_.request().path)});
  send(r, false);
}

void Connection::onClosed(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  closing_ = true;
  timer_.cancel();
  if (deferred_) {
    deferred_->connection = nullptr;
    deferred_.reset();
  }
  httpLog().debug("{}: closed ({})", remote_, reason);
  owner_.release(this);
}

}  // namespace keyfed::http
