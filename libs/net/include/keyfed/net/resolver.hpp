#pragma once
// Finding a federation peer (RFC 6120 3.2): SRV records _xmpps-server._tcp
// (direct TLS, XEP-0368) and _xmpp-server._tcp, ordered by priority and
// weighted by weight (RFC 2782), then A/AAAA of each target; without SRV, the
// domain's own A/AAAA on port 5269. Asynchronous on the event loop (c-ares).
//
// Tests and closed networks never touch the machine's default resolver: a
// static table (domain -> host:port) answers first, and the DNS servers to
// ask are configured explicitly.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "keyfed/base/result.hpp"

namespace keyfed::net {

class EventLoop;

// One address to try, in order.
struct PeerEndpoint {
  std::string address;  // IP literal
  std::uint16_t port = 5269;
  bool directTls = false;  // from _xmpps-server: TLS from the first byte
  std::string host;        // the SRV target or static host (for logs and SNI decisions)
};

struct StaticRoute {
  std::string host;  // IP literal or a name resolved through DNS
  std::uint16_t port = 5269;
  bool directTls = false;
};

struct ResolverOptions {
  // domain -> endpoints, consulted before DNS; a domain listed here never hits DNS.
  std::map<std::string, std::vector<StaticRoute>, std::less<>> staticRoutes;
  // "ip" or "ip:port" of the DNS servers to ask; empty: DNS disabled (only the
  // static table answers) - never the system resolver unless `useSystemResolver`.
  std::vector<std::string> servers;
  bool useSystemResolver = false;
  std::chrono::milliseconds timeout{5000};
  std::size_t maxEndpoints = 16;
};

class Resolver {
 public:
  using Callback = std::function<void(base::Result<std::vector<PeerEndpoint>>)>;
  static std::unique_ptr<Resolver> create(EventLoop& loop, ResolverOptions options);
  virtual ~Resolver() = default;
  // Endpoints for a peer domain, most preferred first; the error when none.
  // The callback runs on the loop thread, never inside resolve() itself.
  // Destroying the Resolver drops the callbacks of lookups still in progress.
  virtual void resolve(const std::string& domain, Callback callback) = 0;
};

}  // namespace keyfed::net
