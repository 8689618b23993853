#pragma once
// Helpers shared by the stream tests: a handler that records what a stream
// delivers, and a bounded wait that drives the loop.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"

namespace keyfed::net::test_support {

// Records what a stream delivers and can answer from callbacks.
struct Recorder : ByteStreamHandler {
  std::string received;
  int tlsEstablished = 0;
  std::string closedReason;
  bool closed = false;
  std::function<void(std::string_view)> onData;
  void onBytes(std::string_view bytes) override {
    received.append(bytes);
    if (onData) onData(bytes);
  }
  void onTlsEstablished() override { ++tlsEstablished; }
  void onClosed(std::string_view reason) override {
    closed = true;
    closedReason = reason;
  }
};

// Runs the loop until `done` holds or 5 s pass.
template <class Pred>
bool runUntil(EventLoop& loop, Pred done) {
  using namespace std::chrono_literals;
  Timer guard(loop);
  bool timedOut = false;
  guard.start(5s, [&] { timedOut = true; });
  while (!done() && !timedOut) {
    loop.poll();
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

}  // namespace keyfed::net::test_support
