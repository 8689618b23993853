#pragma once
// A one-shot HTTPS POST for `keyfedctl fac request --https URL`
// (docs/fac-protocol.md, "HTTPS"): TLS on keyfed's own byte streams, the
// server's certificate checked against a CA bundle and the URL's host name
// (RFC 6125), one request with Connection: close, the answer read to the end
// (at most 1 MiB).

#include <chrono>
#include <cstdint>
#include <string>

#include "keyfed/base/result.hpp"

namespace keyfed::ctl {

struct HttpsTarget {
  std::string host;  // the name the certificate must carry, sent as SNI and Host
  std::uint16_t port = 5443;
  std::string path = "/";
  std::string connectAddress;  // IP literal to connect to; "" = host, which must be one
};

// Reads "https://HOST[:PORT][/PATH]".
base::Result<HttpsTarget> parseHttpsUrl(std::string_view url);

struct HttpsAnswer {
  int status = 0;
  std::string body;
};

// `caFile` empty: the system store.
base::Result<HttpsAnswer> postHttps(const HttpsTarget& target, const std::string& caFile,
                                    const std::string& body, std::chrono::milliseconds timeout);

}  // namespace keyfed::ctl
