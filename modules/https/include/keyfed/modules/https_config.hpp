#pragma once
// The [http] section of keyfed.toml (docs/http.md, "Limits"): the limits of
// every HTTPS listener.
//
//   [http]
//   max_request_line = 8192       # bytes; 414 beyond
//   max_header_bytes = 16384      # request line + header fields; 431 beyond
//   max_headers = 64              # header fields; 431 beyond
//   max_body_bytes = 16777216     # the largest body any URL takes; 413 beyond
//   request_timeout = 10          # seconds from a request's first byte to its last; 408
//   idle_timeout = 30             # seconds a kept-alive connection waits for a request
//   max_connections = 1024
//   max_connections_per_address = 32

#include "keyfed/config/section.hpp"
#include "keyfed/http/limits.hpp"

namespace keyfed::modules {

inline constexpr std::string_view kHttpSection = "http";

http::Limits parseHttpConfig(config::TableReader& table);
void registerHttpConfig(config::SectionRegistry& registry);

}  // namespace keyfed::modules
