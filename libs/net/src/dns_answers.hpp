#pragma once
// Reading SRV and address answers (c-ares parses; we bound and convert).

#include <cstddef>
#include <string>
#include <vector>

#include "keyfed/base/result.hpp"
#include "srv_order.hpp"

namespace keyfed::net {

struct SrvAnswer {
  std::vector<SrvRecord> records;  // without "." targets
  bool rootTarget = false;         // a "." target: "decidedly not available" (RFC 2782)
};

base::Result<SrvAnswer> parseSrvAnswer(const std::vector<unsigned char>& answer, bool directTls,
                                       std::size_t maxRecords);

// `family` AF_INET or AF_INET6; at most `maxAddresses`, as IP literals.
base::Result<std::vector<std::string>> parseAddressAnswer(const std::vector<unsigned char>& answer,
                                                          int family, std::size_t maxAddresses);

}  // namespace keyfed::net
