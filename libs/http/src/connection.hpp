#pragma once
// One HTTP connection: bytes in, requests parsed and routed one at a time,
// responses out in order. Two deadlines: a started request must be complete
// within Limits::requestTimeout (408), an idle keep-alive connection closes
// after Limits::idleTimeout.

#include <memory>
#include <string>

#include "keyfed/http/request_parser.hpp"
#include "keyfed/http/responder.hpp"
#include "keyfed/http/server.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"

namespace keyfed::http {

class Connection final : public net::ByteStreamHandler {
 public:
  Connection(HttpServer& owner, std::unique_ptr<net::ByteStream> stream);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // Closes now when idle, else after the answer being written.
  void shutdown();
  [[nodiscard]] const std::string& remoteAddress() const { return remote_; }
  // The Responder of a deferred request answers through this (responder.cpp).
  void finishDeferred(const Response& response);

  void onBytes(std::string_view bytes) override;
  void onTlsEstablished() override {}
  void onClosed(std::string_view reason) override;

 private:
  void process();
  bool routeHeader();
  void answer(Request request);
  void upgrade(const Request& request);
  void defer(const Request& request, bool keepAlive);
  void send(const Response& response, bool keepAlive);
  void failWith(int status, std::string_view code, std::string_view message);
  void armIdle();
  void armRequest();

  HttpServer& owner_;
  std::unique_ptr<net::ByteStream> stream_;
  net::Timer timer_;
  RequestParser parser_;
  const Route* route_ = nullptr;
  std::string buffer_;  // received, not yet consumed by the parser
  std::string remote_;
  std::shared_ptr<DeferredSlot> deferred_;  // set while a deferred request waits for its answer
  std::size_t served_ = 0;
  bool closing_ = false;
  bool closed_ = false;
  bool shuttingDown_ = false;
  bool deferredKeepAlive_ = false;
  bool inDeferredHandler_ = false;
};

}  // namespace keyfed::http
