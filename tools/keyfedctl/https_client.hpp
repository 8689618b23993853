#pragma once
// A one-shot HTTPS POST for `keyfedctl fac request --https URL`
// (docs/fac-protocol.md, "HTTPS"): libs/http's client on a loop of its own
// (a command line may wait), the server's certificate checked against a CA
// bundle and the URL's host name (RFC 6125), at most 1 MiB of answer.

#include <chrono>
#include <string>

#include "keyfed/base/result.hpp"
#include "keyfed/http/client.hpp"
#include "keyfed/http/url.hpp"

namespace keyfed::ctl {

// `connectAddress`: the IP literal to connect to; "" = the URL's host, which
// must then be one. `caFile` empty: the system store.
base::Result<http::ClientResponse> postHttps(const http::HttpsUrl& url,
                                             const std::string& connectAddress,
                                             const std::string& caFile, const std::string& body,
                                             std::chrono::milliseconds timeout);

}  // namespace keyfed::ctl
