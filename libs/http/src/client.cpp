// One HTTPS exchange on the caller's loop: connect, TLS, the certificate
// check, the request, and the answer read by Beast's strict response parser
// (Beast stays in this file and request_parser.cpp).

#include "keyfed/http/client.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/certificate_check.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"

namespace keyfed::http {

namespace beast_http = boost::beast::http;

namespace {

constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

// Bytes that would end a line or a field in what we send.
bool isClean(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

base::Result<std::string> serializeRequest(const ClientRequest& r) {
  bool clean = isClean(r.method) && isClean(r.host) && isClean(r.target) && !r.method.empty() &&
               r.method.find(' ') == std::string::npos && r.target.find(' ') == std::string::npos;
  for (const auto& h : r.headers) clean = clean && isClean(h.name) && isClean(h.value);
  if (!clean) {
    return base::fail(client_errc::kBadRequest, "control characters in the request to send");
  }
  std::string out = r.method + " " + r.target + " HTTP/1.1\r\nhost: " + r.host + "\r\n";
  for (const auto& h : r.headers) out += h.name + ": " + h.value + "\r\n";
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT") {
    out += "content-length: " + std::to_string(r.body.size()) + "\r\n";
  }
  out += "connection: close\r\n\r\n";
  out += r.body;
  return out;
}

}  // namespace

const std::string* ClientResponse::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.name == name) return &h.value;
  }
  return nullptr;
}

struct ClientExchange::Impl final : net::ByteStreamHandler, std::enable_shared_from_this<Impl> {
  Impl(net::EventLoop& l, const ClientTls& t, ClientTarget where, ClientLimits bounds, Callback cb)
      : loop(l),
        tls(t),
        target(std::move(where)),
        limits(bounds),
        callback(std::move(cb)),
        connectTimer(l),
        totalTimer(l) {
    parser.emplace();
    parser->header_limit(kMaxHeaderBytes);
    parser->body_limit(limits.maxBodyBytes);
    parser->eager(true);
  }

  [[nodiscard]] std::string where() const {
    return target.address + ":" + std::to_string(target.port);
  }

  void begin() {
    connectTimer.start(limits.connectTimeout, [this] {
      fail(client_errc::kTimeout, "no TLS connection to " + where() + " within " +
                                      std::to_string(limits.connectTimeout.count()) + " ms");
    });
    totalTimer.start(limits.totalTimeout, [this] {
      fail(client_errc::kTimeout, "no complete answer from " + where() + " within " +
                                      std::to_string(limits.totalTimeout.count()) + " ms");
    });
    std::weak_ptr<Impl> weak = shared_from_this();
    net::connectTcp(loop, target.address, target.port,
                    [weak](base::Result<std::unique_ptr<net::ByteStream>> connected) {
                      auto self = weak.lock();
                      if (!self || self->done) return;
                      if (!connected) {
                        self->fail(client_errc::kConnect, "cannot connect to " + self->where() +
                                                              ": " + connected.error().message);
                        return;
                      }
                      self->stream = std::move(*connected);
                      self->stream->start(self.get());
                      self->stream->startTlsClient(self->tls.context, self->target.certificateName);
                    });
  }

  void onTlsEstablished() override {
    if (done) return;
    const auto now = tls.clock != nullptr ? tls.clock->now() : std::chrono::system_clock::now();
    const auto check =
        tls.verifier->check(stream->peerCertificateChain(), target.certificateName, now);
    if (!check.presented || !check.chainValid || !check.matchesDomain || check.expired) {
      fail(client_errc::kCertificate, "the certificate of " + where() + " is not valid for " +
                                          target.certificateName + ": " +
                                          (check.problem.empty() ? "none" : check.problem));
      return;
    }
    connectTimer.cancel();
    stream->send(wire);
  }

  void onBytes(std::string_view bytes) override {
    if (done) return;
    pending.append(bytes);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (used < pending.size() && !parser->is_done()) {
      const std::size_t n =
          parser->put(boost::asio::const_buffer(pending.data() + used, pending.size() - used), ec);
      used += n;
      if (ec == beast_http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || n == 0) break;
    }
    pending.erase(0, used);
    if (ec == beast_http::error::header_limit) {
      fail(client_errc::kTooLarge, "the answer's header is larger than 16 KiB");
    } else if (ec == beast_http::error::body_limit) {
      fail(client_errc::kTooLarge,
           "the answer's body is larger than " + std::to_string(limits.maxBodyBytes) + " bytes");
    } else if (ec) {
      fail(client_errc::kBadResponse, "the answer is not HTTP/1.1: " + ec.message());
    } else if (parser->is_done()) {
      complete();
    }
  }

  void onClosed(std::string_view reason) override {
    if (done) return;
    if (parser->is_header_done() && parser->need_eof()) {
      // An answer without Content-Length runs until the connection closes.
      boost::beast::error_code ec;
      parser->put_eof(ec);
      if (!ec) {
        complete();
        return;
      }
    }
    fail(client_errc::kConnect, "the connection to " + where() +
                                    " closed before a complete answer (" + std::string(reason) +
                                    ")");
  }

  void complete() {
    auto message = parser->release();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.push_back({lower(field.name_string()), std::string(field.value())});
    }
    response.body = std::move(message.body());
    finish(std::move(response));
  }

  void fail(const char* code, std::string message) { finish(base::fail(code, std::move(message))); }

  void finish(base::Result<ClientResponse> result) {
    if (done) return;
    done = true;
    connectTimer.cancel();
    totalTimer.cancel();
    if (stream) {
      if (result) {
        stream->close();
      } else {
        stream->abort();
      }
    }
    // Later, on the loop: the caller may destroy the exchange in its callback.
    auto shared = std::make_shared<base::Result<ClientResponse>>(std::move(result));
    std::weak_ptr<Impl> weak = shared_from_this();
    loop.post([weak, shared] {
      auto self = weak.lock();
      if (!self || !self->callback) return;
      auto callback = std::move(self->callback);
      self->callback = nullptr;
      callback(std::move(*shared));
    });
  }

  void cancel() {
    done = true;
    callback = nullptr;
    connectTimer.cancel();
    totalTimer.cancel();
    stream.reset();
  }

  net::EventLoop& loop;
  ClientTls tls;
  ClientTarget target;
  ClientLimits limits;
  Callback callback;
  std::string wire;
  std::string pending;
  std::optional<beast_http::response_parser<beast_http::string_body>> parser;
  bool done = false;
  net::Timer connectTimer;
  net::Timer totalTimer;
  std::unique_ptr<net::ByteStream> stream;  // last: detached before the rest goes
};

ClientExchange::ClientExchange(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

ClientExchange::~ClientExchange() {
  impl_->cancel();
}

std::unique_ptr<ClientExchange> ClientExchange::start(net::EventLoop& loop, const ClientTls& tls,
                                                      ClientTarget target,
                                                      const ClientRequest& request,
                                                      ClientLimits limits, Callback callback) {
  auto impl = std::make_shared<Impl>(loop, tls, std::move(target), limits, std::move(callback));
  std::unique_ptr<ClientExchange> exchange(new ClientExchange(impl));
  auto wire = serializeRequest(request);
  if (!wire) {
    impl->finish(base::fail(wire.error()));
  } else if (tls.context == nullptr || tls.verifier == nullptr) {
    impl->fail(client_errc::kCertificate, "no TLS context or trust store to check the server");
  } else {
    impl->wire = std::move(*wire);
    impl->begin();
  }
  return exchange;
}

}  // namespace keyfed::http
