// The member's HTTPS fetch of the table: one exchange at a time on the
// server's loop, its answer handed to the member's accept path.

#include "keyfed/clearinghouse/bootstrap.hpp"

#include "audit.hpp"
#include "keyfed/clearinghouse/member.hpp"
#include "keyfed/http/client.hpp"
#include "keyfed/http/url.hpp"
#include "keyfed/net/certificate_check.hpp"
#include "keyfed/net/tls.hpp"

namespace keyfed::clearinghouse {
namespace {

constexpr const char* kVia = "https";
constexpr std::size_t kQuotedBodyBytes = 200;

}  // namespace

Bootstrap::Bootstrap(server::Server& server, Accept accept)
    : server_(server), accept_(std::move(accept)) {}

Bootstrap::~Bootstrap() = default;

base::Result<void> Bootstrap::prepareTls() {
  if (tls_) return {};
  // The trust store and TLS floor s2s uses ([tls] ca_file, min_version).
  const auto& tls = server_.config().tls;
  auto verifier = net::CertificateVerifier::create(tls.caFile.string());
  if (!verifier) return base::fail(verifier.error());
  net::TlsClientSettings settings;
  settings.caFile = tls.caFile.string();
  settings.minVersion = tls.minVersion == config::TlsVersion::tls13 ? "1.3" : "1.2";
  // verifyPeer stays off: the verifier decides after the handshake and says why.
  auto context = net::TlsClientContext::create(settings);
  if (!context) return base::fail(context.error());
  verifier_ = std::move(*verifier);
  tls_ = std::move(*context);
  return {};
}

base::Result<std::uint64_t> Bootstrap::start(const MemberConfig& config, std::int64_t heldVersion,
                                             std::string_view why) {
  if (running()) return last_.attempt;
  auto url = http::parseHttpsUrl(config.bootstrapUrl);
  if (!url) return base::fail(url.error());
  last_ = {last_.attempt + 1, "running", "", ""};
  clearinghouse_ = config.clearinghouse;
  url_ = config.bootstrapUrl;
  if (auto prepared = prepareTls(); !prepared) {
    failed(prepared.error().code, "cannot set up TLS: " + prepared.error().message);
    return last_.attempt;
  }
  log_.info("fetching {}'s table over HTTPS from {} ({})", clearinghouse_, url_, why);
  http::ClientRequest request;
  request.host = url->authority();
  request.target = url->target;
  request.headers.push_back({"accept", "application/json"});
  if (heldVersion > 0) {
    request.headers.push_back({"if-none-match", "\"" + std::to_string(heldVersion) + "\""});
  }
  http::ClientLimits limits;
  limits.connectTimeout = config.bootstrapConnectTimeout;
  limits.totalTimeout = config.bootstrapTimeout;
  limits.maxBodyBytes = config.bootstrapMaxBytes;
  // The certificate must prove the clearinghouse's domain: the host is an IP
  // literal, and the clearinghouse is whom we trust, as s2s would require.
  exchange_ = http::ClientExchange::start(
      server_.loop(), {tls_, verifier_.get(), &server_.clock()},
      {url->host, url->port, config.clearinghouse}, request, limits,
      [this](base::Result<http::ClientResponse> answer) { finished(std::move(answer)); });
  return last_.attempt;
}

void Bootstrap::finished(base::Result<http::ClientResponse> answer) {
  exchange_.reset();
  if (!answer) {
    failed(answer.error().code, answer.error().message);
    return;
  }
  if (answer->status == 304) {
    last_.state = "unchanged";
    log_.info("{}'s table over HTTPS: nothing newer than the held one", clearinghouse_);
    return;
  }
  if (answer->status != 200) {
    std::string body = answer->body.substr(0, kQuotedBodyBytes);
    failed("http.status", "HTTP " + std::to_string(answer->status) +
                              (answer->status / 100 == 3 ? " (redirects are not followed)" : "") +
                              ": " + body);
    return;
  }
  auto accepted = accept_(answer->body);
  if (!accepted) {
    // The accept path has logged and audited the refusal (table-refused).
    last_.state = "failed";
    last_.code = accepted.error().code;
    last_.message = accepted.error().message;
    return;
  }
  last_.state = *accepted == Acceptance::accepted ? "accepted" : "unchanged";
}

void Bootstrap::failed(std::string code, std::string message) {
  last_.state = "failed";
  last_.code = std::move(code);
  last_.message = std::move(message);
  log_.warn("fetching {}'s table over HTTPS from {} failed: {} ({})", clearinghouse_, url_,
            last_.message, last_.code);
  audit(
      server_, log_,
      {"table-fetch-failed", clearinghouse_, kVia, last_.code, last_.message + " (" + url_ + ")"});
}

}  // namespace keyfed::clearinghouse
