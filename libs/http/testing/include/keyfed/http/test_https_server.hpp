#pragma once
// An HTTPS server on loopback for tests of HTTPS clients (libs/http's
// client, the clearinghouse member's bootstrap): real TLS with a certificate
// made by the openssl CLI for the names given (SAN DNS), served by the real
// HttpServer on the caller's loop with the routes the test adds. A second
// certificate, not in the trust store, and a silent listener (accepts TCP,
// never speaks TLS) cover refusals and timeouts.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "keyfed/base/result.hpp"
#include "keyfed/http/router.hpp"

namespace keyfed::net {
class ByteStream;
class EventLoop;
class Listener;
}  // namespace keyfed::net

namespace keyfed::http {

class HttpServer;

class TestHttpsServer {
 public:
  // `names`: the DNS names of the certificate. `trusted` false: a self-signed
  // certificate that trustStore() does not hold.
  TestHttpsServer(net::EventLoop& loop, const std::vector<std::string>& names, bool trusted = true);
  ~TestHttpsServer();
  TestHttpsServer(const TestHttpsServer&) = delete;
  TestHttpsServer& operator=(const TestHttpsServer&) = delete;

  // Add routes, then start (listens on 127.0.0.1, a free port).
  Router& routes() { return routes_; }
  base::Result<void> start();
  [[nodiscard]] std::uint16_t port() const;
  // A PEM bundle that trusts the certificate of every TestHttpsServer made
  // with trusted = true in this process.
  [[nodiscard]] static std::string trustStore();
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  net::EventLoop& loop_;
  std::filesystem::path dir_;
  std::string error_;
  Router routes_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<net::Listener> listener_;
};

// Accepts TCP connections and never answers (timeouts).
class SilentListener {
 public:
  explicit SilentListener(net::EventLoop& loop);
  ~SilentListener();
  [[nodiscard]] std::uint16_t port() const;

 private:
  std::unique_ptr<net::Listener> listener_;
  std::vector<std::unique_ptr<net::ByteStream>> held_;
};

}  // namespace keyfed::http
