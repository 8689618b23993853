#pragma once
// Serves HTTP/1.1 on accepted byte streams (docs/http.md): the caller opens
// the listeners (net::Listener, direct TLS with the server's per-vhost
// contexts) and hands each accepted stream to accept(). Requests are parsed
// under Limits, routed by the Router and answered in order; keep-alive with an
// idle timeout; every error is a JSON 4xx/5xx and, for malformed input, the
// connection closes.
//
// Everything runs on the loop thread.

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "keyfed/http/limits.hpp"
#include "keyfed/http/router.hpp"

namespace keyfed::net {
class ByteStream;
class EventLoop;
}  // namespace keyfed::net

namespace keyfed::http {

class Connection;

class HttpServer {
 public:
  HttpServer(net::EventLoop& loop, const Router& router, Limits limits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Takes an accepted connection; closes it at once when the connection
  // limits (total, per address) are reached or the server is shutting down.
  void accept(std::unique_ptr<net::ByteStream> stream);
  // No new requests: idle connections close now, busy ones after their answer.
  void shutdown();
  [[nodiscard]] std::size_t connectionCount() const { return connections_.size(); }
  // Called with +1 / -1 as connections open and close (the server's
  // shutdown tracking).
  void onConnectionCount(std::function<void(int)> callback) { onCount_ = std::move(callback); }

  // For connections.
  void release(Connection* connection);
  [[nodiscard]] const Router& router() const { return router_; }
  [[nodiscard]] const Limits& limits() const { return limits_; }
  [[nodiscard]] net::EventLoop& loop() { return loop_; }

 private:
  net::EventLoop& loop_;
  const Router& router_;
  Limits limits_;
  std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
  std::map<std::string, std::size_t, std::less<>> perAddress_;
  std::function<void(int)> onCount_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool shuttingDown_ = false;
};

}  // namespace keyfed::http
