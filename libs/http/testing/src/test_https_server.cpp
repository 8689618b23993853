// Test HTTPS servers: certificates from the openssl CLI, a CA bundle for
// them, and the real HttpServer over TLS.

#include "keyfed/http/test_https_server.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "keyfed/http/server.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/net/tls.hpp"

namespace keyfed::http {
namespace {

// One directory per test process, removed when the process ends.
struct ProcessDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("keyfed-https-test-" + std::to_string(::getpid()));
  ~ProcessDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

const std::filesystem::path& processDir() {
  static const ProcessDir dir;
  return dir.path;
}

// Self-signed EC certificates are their own CA: the bundle is their union.
std::filesystem::path bundlePath() {
  return processDir() / "trusted.pem";
}

struct NullHandler final : net::ByteStreamHandler {
  void onBytes(std::string_view) override {}
  void onTlsEstablished() override {}
  void onClosed(std::string_view) override {}
};

NullHandler& nullHandler() {
  static NullHandler handler;
  return handler;
}

}  // namespace

TestHttpsServer::TestHttpsServer(net::EventLoop& loop, const std::vector<std::string>& names,
                                 bool trusted)
    : loop_(loop) {
  if (names.empty()) {
    error_ = "a test certificate needs at least one name";
    return;
  }
  static int counter = 0;
  dir_ = processDir() / std::to_string(++counter);
  std::filesystem::create_directories(dir_);
  std::string san;
  for (const auto& n : names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
  const auto cert = (dir_ / "cert.pem").string();
  const auto key = (dir_ / "key.pem").string();
  // Ten years: tests on a fake clock far from today still see it valid.
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 "
      "-subj /CN=" +
      names.front() + " -addext subjectAltName=" + san +
      " -addext basicConstraints=critical,CA:TRUE -keyout " + key + " -out " + cert +
      " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) {
    error_ = "openssl could not make a certificate";
    return;
  }
  if (trusted) {
    std::ifstream in(cert);
    std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(bundlePath(), std::ios::app) << pem;
  }
}

TestHttpsServer::~TestHttpsServer() {
  if (http_) http_->shutdown();
  listener_.reset();
  http_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

base::Result<void> TestHttpsServer::start() {
  if (!error_.empty()) return base::fail("test.setup", error_);
  auto tls = net::TlsServerContext::create(
      {{"", (dir_ / "cert.pem").string(), (dir_ / "key.pem").string()}}, {});
  if (!tls) return base::fail(tls.error());
  http_ = std::make_unique<HttpServer>(loop_, routes_, Limits{});
  net::ListenOptions options;
  options.directTls = *tls;
  auto listener = net::Listener::open(
      loop_, options, [this](std::unique_ptr<net::ByteStream> s) { http_->accept(std::move(s)); });
  if (!listener) return base::fail(listener.error());
  listener_ = std::move(*listener);
  return {};
}

std::uint16_t TestHttpsServer::port() const {
  return listener_ ? listener_->port() : 0;
}

std::string TestHttpsServer::trustStore() {
  return bundlePath().string();
}

SilentListener::SilentListener(net::EventLoop& loop) {
  auto listener = net::Listener::open(loop, {}, [this](std::unique_ptr<net::ByteStream> s) {
    s->start(&nullHandler());
    held_.push_back(std::move(s));
  });
  if (listener) listener_ = std::move(*listener);
}

SilentListener::~SilentListener() = default;

std::uint16_t SilentListener::port() const {
  return listener_ ? listener_->port() : 0;
}

}  // namespace keyfed::http
