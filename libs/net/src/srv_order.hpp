#pragma once
// RFC 2782 target selection for XMPP's two SRV services. Pure: the random
// numbers are an input, so tests can seed them.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace keyfed::net {

struct SrvRecord {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  std::string target;
  bool directTls = false;  // from _xmpps-server._tcp (XEP-0368)
};

// Orders records for connection attempts: priority ascending; at equal
// priority the direct-TLS records first (XEP-0368 only says "by priority"; a
// peer that publishes both at one priority gets TLS from the first byte and
// skips a STARTTLS round trip), and within each such group a weighted random
// permutation (RFC 2782 "Usage rules": weight-0 records first in the running
// sum, so they are picked last unless nothing else remains).
std::vector<SrvRecord> orderSrvRecords(std::vector<SrvRecord> records, std::mt19937& rng);

}  // namespace keyfed::net
