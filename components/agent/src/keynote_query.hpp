#pragma once
// Internal: the KeyNote query behind every decision. One session per request:
// the POLICY assertions (trusted), the request's credentials (untrusted,
// signatures checked by the engine), the action attributes, and the
// requester's key as the only action authorizer.

#include <cstddef>
#include <string>
#include <vector>

#include "attributes.hpp"
#include "keyfed/agent/config.hpp"

namespace keyfed::agent {

struct QueryOutcome {
  std::size_t value = 0;    // index into the compliance values; 0 refuses
  std::string valueName;    // that value
  std::string explanation;  // Explanation::text(), plus credentials not added
  bool failed = false;      // the engine refused the query itself (internal)
};

QueryOutcome runQuery(const AgentConfig& config, const Attributes& attributes,
                      const std::string& requester, const std::vector<std::string>& credentials);

}  // namespace keyfed::agent
