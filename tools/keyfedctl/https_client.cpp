#include "https_client.hpp"

#include <charconv>
#include <memory>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/certificate_check.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/net/tls.hpp"

namespace keyfed::ctl {
namespace {

constexpr std::size_t kMaxAnswerBytes = std::size_t{1} << 20;

// Drives one exchange on the loop: TLS, certificate check, request, answer.
struct Exchange final : net::ByteStreamHandler {
  net::EventLoop& loop;
  const HttpsTarget& target;
  const net::CertificateVerifier& verifier;
  std::string request;
  std::unique_ptr<net::ByteStream> stream;
  std::string received;
  std::string failure;
  bool done = false;

  Exchange(net::EventLoop& l, const HttpsTarget& t, const net::CertificateVerifier& v)
      : loop(l), target(t), verifier(v) {}

  void finish(std::string why = {}) {
    if (done) return;
    done = true;
    failure = std::move(why);
    loop.stop();
  }
  void onBytes(std::string_view bytes) override {
    if (received.size() + bytes.size() > kMaxAnswerBytes) {
      stream->abort();
      finish("the answer is larger than 1 MiB");
      return;
    }
    received.append(bytes);
  }
  void onTlsEstablished() override {
    const auto check = verifier.check(stream->peerCertificateChain(), target.host,
                                      std::chrono::system_clock::now());
    if (!check.chainValid || !check.matchesDomain || check.expired) {
      stream->abort();
      finish("the server's certificate is not valid for " + target.host + ": " + check.problem);
      return;
    }
    stream->send(request);
  }
  void onClosed(std::string_view reason) override {
    if (received.empty()) {
      finish("the connection closed without an answer (" + std::string(reason) + ")");
      return;
    }
    finish();
  }
};

base::Result<HttpsAnswer> parseAnswer(const std::string& text) {
  // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody" (Connection: close: the body runs to the end).
  const auto headerEnd = text.find("\r\n\r\n");
  if (!text.starts_with("HTTP/1.") || text.size() < 12 || headerEnd == std::string::npos) {
    return base::fail("ctl.https", "the server's answer is not HTTP");
  }
  HttpsAnswer answer;
  const char* first = text.data() + 9;
  if (std::from_chars(first, first + 3, answer.status).ec != std::errc{}) {
    return base::fail("ctl.https", "the server's answer has no status code");
  }
  answer.body = text.substr(headerEnd + 4);
  return answer;
}

}  // namespace

base::Result<HttpsTarget> parseHttpsUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme))
    return base::fail("ctl.usage", "--https takes https://HOST[:PORT]/PATH");
  url.remove_prefix(kScheme.size());
  HttpsTarget t;
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) t.path = std::string(url.substr(slash));
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    unsigned port = 0;
    const auto digits = authority.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      return base::fail("ctl.usage", "bad port in --https URL");
    }
    t.port = static_cast<std::uint16_t>(port);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return base::fail("ctl.usage", "no host in --https URL");
  t.host = std::string(authority);
  return t;
}

base::Result<HttpsAnswer> postHttps(const HttpsTarget& target, const std::string& caFile,
                                    const std::string& body, std::chrono::milliseconds timeout) {
  auto verifier = net::CertificateVerifier::create(caFile);
  if (!verifier) return base::fail(verifier.error());
  net::TlsClientSettings settings;
  settings.caFile = caFile;
  settings.verifyPeer = true;
  auto tls = net::TlsClientContext::create(settings);
  if (!tls) return base::fail(tls.error());

  net::EventLoop loop;
  Exchange exchange(loop, target, **verifier);
  exchange.request =
      "POST " + target.path + " HTTP/1.1\r\nHost: " + target.host +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  const std::string address = target.connectAddress.empty() ? target.host : target.connectAddress;
  net::connectTcp(
      loop, address, target.port, [&](base::Result<std::unique_ptr<net::ByteStream>> connected) {
        if (!connected) {
          exchange.finish("cannot connect to " + address + ": " + connected.error().message);
          return;
        }
        exchange.stream = std::move(*connected);
        exchange.stream->start(&exchange);
        exchange.stream->startTlsClient(*tls, target.host);
      });
  net::Timer deadline(loop);
  deadline.start(timeout, [&] { exchange.finish("no answer within the timeout"); });
  loop.run();
  if (!exchange.failure.empty()) return base::fail("ctl.https", exchange.failure);
  return parseAnswer(exchange.received);
}

}  // namespace keyfed::ctl
