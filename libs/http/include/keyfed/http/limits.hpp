#pragma once
// Hard limits on what one HTTP client may send (docs/http.md, "Limits"):
// every read is bounded in size and time, and a client past a limit gets a
// clear 4xx and the connection is closed.

#include <chrono>
#include <cstddef>

namespace keyfed::http {

struct Limits {
  // Method, target, version: 414 beyond.
  std::size_t requestLineBytes = std::size_t{8} * 1024;
  // Request line + every header field: 431 beyond.
  std::size_t headerBytes = std::size_t{16} * 1024;
  // Header fields: 431 beyond.
  std::size_t headerCount = 64;
  // The largest body any route accepts: 413 beyond. Only a cap: every route
  // names its own (far smaller) limit, and the one large route, the upload
  // PUT, admits a body only with a slot; so the default leaves room for
  // [upload]'s default 10 MiB files.
  std::size_t bodyBytes = std::size_t{16} * 1024 * 1024;
  // From the first byte of a request to its last: 408 beyond (slow senders).
  std::chrono::seconds requestTimeout{10};
  // Keep-alive: how long an idle connection waits for its next request.
  std::chrono::seconds idleTimeout{30};
  // Then Connection: close.
  std::size_t requestsPerConnection = 1000;
  // Open at once, and from one IP address; beyond, new connections are closed.
  std::size_t connections = 1024;
  std::size_t connectionsPerAddress = 32;
};

}  // namespace keyfed::http
