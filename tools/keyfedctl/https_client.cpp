#include "https_client.hpp"

#include <optional>

#include "keyfed/net/certificate_check.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/tls.hpp"

namespace keyfed::ctl {

base::Result<http::ClientResponse> postHttps(const http::HttpsUrl& url,
                                             const std::string& connectAddress,
                                             const std::string& caFile, const std::string& body,
                                             std::chrono::milliseconds timeout) {
  auto verifier = net::CertificateVerifier::create(caFile);
  if (!verifier) return base::fail(verifier.error());
  // The verifier decides (and says why it refuses); the handshake does not.
  net::TlsClientSettings settings;
  settings.caFile = caFile;
  auto tls = net::TlsClientContext::create(settings);
  if (!tls) return base::fail(tls.error());

  http::ClientRequest request;
  request.method = "POST";
  request.host = url.authority();
  request.target = url.target;
  request.headers.push_back({"content-type", "application/json"});
  request.body = body;
  http::ClientLimits limits;
  limits.connectTimeout = timeout;
  limits.totalTimeout = timeout;

  net::EventLoop loop;
  std::optional<base::Result<http::ClientResponse>> answer;
  auto exchange = http::ClientExchange::start(
      loop, {*tls, verifier->get(), nullptr},
      {connectAddress.empty() ? url.host : connectAddress, url.port, url.host}, request, limits,
      [&](base::Result<http::ClientResponse> result) {
        answer = std::move(result);
        loop.stop();
      });
  loop.run();
  if (!answer) return base::fail("ctl.https", "the HTTPS exchange ended without an answer");
  if (!*answer) return base::fail("ctl.https", answer->error().message);
  return std::move(*answer);
}

}  // namespace keyfed::ctl
