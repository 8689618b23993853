#pragma once
// Server-to-server streams (RFC 6120, XEP-0220 dialback, XEP-0178 SASL
// EXTERNAL), in and out, with every domain pair checked by the policy point
// before its first stanza (docs/federation.md). Its [s2s] section:
// s2s_config.hpp (the app registers it with the config loader).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "keyfed/modules/s2s_config.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeS2sModule();

// One domain pair on a live server stream, as the administrator sees it
// (`keyfedctl s2s list`, docs/admin.md).
struct S2sPairStatus {
  std::string local;
  std::string remote;
  std::string direction;  // "in" | "out"
  std::string state;      // "ready" | "agent-only" | "pending"
  std::string address;    // the peer's IP ("" while an outgoing stream resolves)
  std::string level;      // the trust-ladder rung the evidence reaches ("" while pending)
  std::string evidence;   // "level=trusted tls certificate=valid dialback", as the log says it
  std::string why;        // agent-only: the refusal, ours or the peer's
  std::uint64_t stream = 0;
  // Age: in, since the stream connected; out, since the pair became ready
  // (pending: since the stream's current step).
  std::int64_t seconds = 0;
};

// The pairs of the module makeS2sModule() made, by stream; empty for another module.
std::vector<S2sPairStatus> s2sPairs(server::Module& s2s);

}  // namespace keyfed::modules
