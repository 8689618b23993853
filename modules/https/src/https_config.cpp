#include "keyfed/modules/https_config.hpp"

namespace keyfed::modules {
namespace {

using namespace std::chrono_literals;

std::size_t sizeKey(config::TableReader& t, std::string_view key, std::size_t fallback,
                    std::int64_t min, std::int64_t max) {
  return static_cast<std::size_t>(t.integer(key, static_cast<std::int64_t>(fallback), min, max));
}

}  // namespace

http::Limits parseHttpConfig(config::TableReader& t) {
  http::Limits l;
  l.requestLineBytes =
      sizeKey(t, "max_request_line", l.requestLineBytes, 256, std::int64_t{64} * 1024);
  l.headerBytes = sizeKey(t, "max_header_bytes", l.headerBytes, 1024, std::int64_t{1024} * 1024);
  l.headerCount = sizeKey(t, "max_headers", l.headerCount, 4, 1024);
  l.bodyBytes = sizeKey(t, "max_body_bytes", l.bodyBytes, 0, std::int64_t{1} << 30);
  l.requestTimeout = t.seconds("request_timeout", l.requestTimeout, 1s, 3600s);
  l.idleTimeout = t.seconds("idle_timeout", l.idleTimeout, 1s, 86400s);
  l.connections = sizeKey(t, "max_connections", l.connections, 1, 1'000'000);
  l.connectionsPerAddress =
      sizeKey(t, "max_connections_per_address", l.connectionsPerAddress, 1, 1'000'000);
  if (l.requestLineBytes > l.headerBytes) {
    t.error("max_request_line", "config.range", "must not exceed max_header_bytes");
  }
  return l;
}

void registerHttpConfig(config::SectionRegistry& registry) {
  (void)registry.add(std::string(kHttpSection),
                     [](config::TableReader& t) -> std::any { return parseHttpConfig(t); });
}

}  // namespace keyfed::modules
