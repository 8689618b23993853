#pragma once
// A byte limit of the c2s config sections ([websocket] max_message_bytes, [bosh]
// max_body_bytes): 0 means the c2s stanza limit, anything else must hold one
// stanza of RFC 6120's minimum size.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "keyfed/config/section.hpp"

namespace keyfed::modules {

inline std::size_t readStanzaSizedLimit(config::TableReader& t, std::string_view key) {
  const auto bytes = t.integer(key, 0, 0, std::int64_t{16} * 1024 * 1024);
  // RFC 6120 13.12: a stanza limit is at least 10,000 bytes.
  if (bytes != 0 && bytes < 10000) t.error(key, "config.range", "must be 0 or at least 10000");
  return static_cast<std::size_t>(bytes);
}

}  // namespace keyfed::modules
