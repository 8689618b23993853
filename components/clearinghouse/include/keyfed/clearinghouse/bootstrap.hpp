#pragma once
// The member's fetch of the table over HTTPS (docs/clearinghouse.md,
// "Bootstrap over HTTPS"): GET [clearinghouse_member] bootstrap_url on the
// server's loop (libs/http's client, never blocking), the clearinghouse's
// certificate checked against the [tls] trust store s2s uses and required to
// prove the clearinghouse's domain, bounded by the configured timeouts and
// answer size, no redirects followed. The body goes to the member's one
// accept path (signature, version only up, expiry), exactly like a pushed
// table; failures before that (connection, certificate, status) are logged
// and audited as table-fetch-failed.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "keyfed/base/log.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/clearinghouse/config.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::net {
class CertificateVerifier;
class TlsClientContext;
}  // namespace keyfed::net
namespace keyfed::http {
class ClientExchange;
struct ClientResponse;
}  // namespace keyfed::http

namespace keyfed::clearinghouse {

enum class Acceptance;

// The last fetch, for `keyfedctl clearinghouse fetch` and `table`.
struct BootstrapOutcome {
  std::uint64_t attempt = 0;  // 0: none yet
  std::string state;          // running, accepted, unchanged, failed
  std::string code;           // failed: the error code (http.certificate, table.replay, ...)
  std::string message;
};

class Bootstrap {
 public:
  // What the member does with a fetched document (Member::accept, via "https").
  using Accept = std::function<base::Result<Acceptance>(std::string_view document)>;

  Bootstrap(server::Server& server, Accept accept);
  ~Bootstrap();
  Bootstrap(const Bootstrap&) = delete;
  Bootstrap& operator=(const Bootstrap&) = delete;

  // Starts a fetch from config.bootstrapUrl, unless one is running (its
  // attempt number is returned then). `heldVersion` > 0 is sent as
  // If-None-Match: a clearinghouse with nothing newer answers 304.
  base::Result<std::uint64_t> start(const MemberConfig& config, std::int64_t heldVersion,
                                    std::string_view why);
  [[nodiscard]] const BootstrapOutcome& last() const { return last_; }
  [[nodiscard]] bool running() const { return exchange_ != nullptr; }

 private:
  base::Result<void> prepareTls();
  void finished(base::Result<http::ClientResponse> answer);
  void failed(std::string code, std::string message);

  server::Server& server_;
  Accept accept_;
  std::unique_ptr<net::CertificateVerifier> verifier_;
  std::shared_ptr<net::TlsClientContext> tls_;
  std::unique_ptr<http::ClientExchange> exchange_;
  std::string clearinghouse_;  // of the fetch in flight
  std::string url_;
  BootstrapOutcome last_;
  base::Logger log_{"clearinghouse"};
};

}  // namespace keyfed::clearinghouse
