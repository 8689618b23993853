#pragma once
// Shared by the HTTP tests over real loopback TCP: a client that records what
// it receives, and running the loop until a condition holds.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "keyfed/http/server.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"

namespace keyfed::http::testing {

struct Client : net::ByteStreamHandler {
  std::unique_ptr<net::ByteStream> stream;
  std::string received;
  bool closed = false;
  void onBytes(std::string_view bytes) override { received.append(bytes); }
  void onTlsEstablished() override {}
  void onClosed(std::string_view) override { closed = true; }
};

template <class Pred>
bool runUntil(net::EventLoop& loop, Pred done,
              std::chrono::seconds limit = std::chrono::seconds(5)) {
  using namespace std::chrono_literals;
  net::Timer guard(loop);
  bool timedOut = false;
  guard.start(limit, [&] { timedOut = true; });
  while (!done() && !timedOut) {
    loop.poll();
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

// A plain TCP client connected to 127.0.0.1:port, reading into Client::received.
inline std::unique_ptr<Client> connectClient(net::EventLoop& loop, std::uint16_t port) {
  auto client = std::make_unique<Client>();
  Client* raw = client.get();
  net::connectTcp(loop, "127.0.0.1", port, [raw](base::Result<std::unique_ptr<net::ByteStream>> s) {
    if (!s) return;
    raw->stream = std::move(*s);
    raw->stream->start(raw);
  });
  runUntil(loop, [&] { return raw->stream != nullptr; });
  return client;
}

// An HttpServer on an ephemeral loopback port, for test fixtures: add routes
// to `router`, then serve() and connect().
struct LoopbackHttp {
  net::EventLoop loop;
  Router router;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<net::Listener> listener;

  bool serve(Limits limits = {}) {
    server = std::make_unique<HttpServer>(loop, router, limits);
    auto opened = net::Listener::open(
        loop, {}, [this](std::unique_ptr<net::ByteStream> s) { server->accept(std::move(s)); });
    if (!opened) return false;
    listener = std::move(*opened);
    return true;
  }

  std::unique_ptr<Client> connect() { return connectClient(loop, listener->port()); }
};

}  // namespace keyfed::http::testing
