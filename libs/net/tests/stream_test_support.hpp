#pragma once
// Helpers shared by the stream tests: a handler that records what a stream
// delivers, and a bounded wait that drives the loop.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/net/tls.hpp"

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

// Runs the loop until `done` holds or `limit` passes.
template <class Pred>
bool runUntil(EventLoop& loop, Pred done,
              std::chrono::steady_clock::duration limit = std::chrono::seconds(5)) {
  using namespace std::chrono_literals;
  Timer guard(loop);
  bool timedOut = false;
  guard.start(limit, [&] { timedOut = true; });
  while (!done() && !timedOut) {
    loop.poll();
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

// A self-signed certificate for "localhost" in a temporary directory.
class TestCertificate {
 public:
  explicit TestCertificate(const std::string& name = "a") {
    dir_ = std::filesystem::temp_directory_path() /
           ("keyfed-net-test-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::create_directories(dir_);
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
        "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout " +
        key() + " -out " + cert() + " 2>/dev/null";
    created_ = std::system(cmd.c_str()) == 0;
  }
  ~TestCertificate() { std::filesystem::remove_all(dir_); }
  std::string cert() const { return (dir_ / "cert.pem").string(); }
  std::string key() const { return (dir_ / "key.pem").string(); }
  bool created() const { return created_; }

 private:
  std::filesystem::path dir_;
  bool created_ = false;
};

struct Pair {
  std::unique_ptr<Listener> listener;
  std::unique_ptr<ByteStream> server;
  std::unique_ptr<ByteStream> client;
  Recorder serverSide;
  Recorder clientSide;
};

inline void connectPair(EventLoop& loop, Pair& p,
                        std::shared_ptr<TlsServerContext> directTls = nullptr) {
  ListenOptions options;
  options.directTls = std::move(directTls);
  auto listener = Listener::open(loop, options, [&](std::unique_ptr<ByteStream> s) {
    p.server = std::move(s);
    p.server->start(&p.serverSide);
  });
  ASSERT_TRUE(listener) << listener.error().describe();
  p.listener = std::move(*listener);
  ASSERT_NE(p.listener->port(), 0);
  connectTcp(loop, "127.0.0.1", p.listener->port(),
             [&](base::Result<std::unique_ptr<ByteStream>> s) {
               ASSERT_TRUE(s) << s.error().describe();
               p.client = std::move(*s);
               p.client->start(&p.clientSide);
             });
  ASSERT_TRUE(runUntil(loop, [&] { return p.server && p.client; }));
}

}  // namespace keyfed::net::test_support
