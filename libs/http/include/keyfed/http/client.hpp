#pragma once
// One HTTPS request from keyfed to another server (docs/http.md, "Client"):
// the clearinghouse member's bootstrap fetch and `keyfedctl fac request
// --https`. It runs on libs/net byte streams and the caller's event loop, so
// the server's loop never blocks on it:
//
//   connect (an IP literal) -> TLS with SNI -> the server's certificate must
//   prove `certificateName` (chain to the trust store, name, not expired)
//   -> the request, Connection: close -> the answer, parsed strictly.
//
// Hard limits: a connect timeout (TCP + TLS + certificate), a total timeout,
// a cap on the answer's header (16 KiB) and body. Redirects are never
// followed: a 3xx is an answer like any other and the caller decides.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/http/message.hpp"

namespace keyfed::net {
class CertificateVerifier;
class EventLoop;
class TlsClientContext;
}  // namespace keyfed::net

namespace keyfed::http {

namespace client_errc {
inline constexpr const char* kConnect = "http.connect";          // TCP or TLS failed, or closed
inline constexpr const char* kTimeout = "http.timeout";          // connect or total timeout
inline constexpr const char* kCertificate = "http.certificate";  // does not prove the name
inline constexpr const char* kTooLarge = "http.response-too-large";
inline constexpr const char* kBadResponse = "http.bad-response";  // not HTTP/1.x
inline constexpr const char* kBadRequest = "http.bad-request";    // CR/LF in what we would send
}  // namespace client_errc

struct ClientTarget {
  std::string address;  // IP literal to connect to
  std::uint16_t port = 0;
  std::string certificateName;  // sent as SNI; the certificate must be valid for it
};

struct ClientRequest {
  std::string method = "GET";
  std::string host;  // the Host header
  std::string target = "/";
  std::vector<Header> headers;  // beside Host, Content-Length, Connection: close
  std::string body;
};

struct ClientLimits {
  std::chrono::milliseconds connectTimeout{5000};  // until the certificate is checked
  std::chrono::milliseconds totalTimeout{10000};   // until the whole answer is read
  std::size_t maxBodyBytes = std::size_t{1} << 20;
};

// How the server is authenticated. `tls` should not verify by itself
// (verifyPeer false): the verifier decides, so a refusal says why.
struct ClientTls {
  std::shared_ptr<net::TlsClientContext> context;
  const net::CertificateVerifier* verifier = nullptr;  // outlives the exchange
  const base::Clock* clock = nullptr;                  // certificate expiry; nullptr: system
};

struct ClientResponse {
  int status = 0;
  std::vector<Header> headers;  // names lower case
  std::string body;

  [[nodiscard]] const std::string* header(std::string_view name) const;
};

class ClientExchange {
 public:
  using Callback = std::function<void(base::Result<ClientResponse>)>;

  // Starts at once. The callback runs exactly once, on the loop, never from
  // inside start(); destroying the exchange first cancels it (no callback).
  static std::unique_ptr<ClientExchange> start(net::EventLoop& loop, const ClientTls& tls,
                                               ClientTarget target, const ClientRequest& request,
                                               ClientLimits limits, Callback callback);
  ~ClientExchange();
  ClientExchange(const ClientExchange&) = delete;
  ClientExchange& operator=(const ClientExchange&) = delete;

  struct Impl;

 private:
  explicit ClientExchange(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace keyfed::http
