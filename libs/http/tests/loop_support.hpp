#pragma once
// Shared by the HTTP tests over real loopback TCP: a client that records what
// it receives, and running the loop until a condition holds.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"

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

}  // namespace keyfed::http::testing
