#include "automatic.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "keyfed/policy/fac_gate.hpp"

namespace keyfed::agent {
namespace {

// The reason a refusal gives the senders whose stanzas bounce: the answer's
// status and its error or the explanation's first line.
std::string refusalReason(std::string_view peer, const std::string& response) {
  std::string reason = "the FAC agent of " + std::string(peer);
  const auto j = nlohmann::json::parse(response, nullptr, false);
  if (!j.is_object()) return reason + " gave no usable answer";
  const std::string status = j.value("status", std::string("error"));
  reason += " answered " + status;
  std::string detail;
  if (j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    detail = e.value("message", e.value("text", e.value("condition", std::string())));
  } else {
    detail = j.value("explanation", std::string());
    detail = detail.substr(0, detail.find('\n'));
  }
  if (!detail.empty()) reason += ": " + detail.substr(0, 300);
  return reason;
}

}  // namespace

bool AutomaticRequests::handleAgentOnly(server::FederationEvent& event) {
  const AutomaticRequest* configured = agent_.config().automaticFor(event.remote);
  if (configured == nullptr) return false;
  const auto now = agent_.server().clock().now();
  std::erase_if(pending_, [now](const auto& p) { return p.second.until <= now; });
  const bool inFlight = std::any_of(pending_.begin(), pending_.end(),
                                    [&](const auto& p) { return p.second.peer == event.remote; });
  if (!inFlight) {
    Request request;
    request.target = std::string(event.remote);
    request.attributes = configured->attributes;
    request.credentials = configured->credentials;
    request.nonce = makeNonce();
    request.timestamp = base::unixSeconds(now);
    if (auto signedOk = signRequest(request, configured->key); !signedOk) {
      log_.error("automatic request to {}: cannot sign: {}", event.remote,
                 signedOk.error().describe());
      return false;
    }
    auto sent = agent_.send(policy::agentJid(event.remote), request);
    if (!sent) {
      log_.error("automatic request to {}: cannot send: {}", event.remote, sent.error().describe());
      return false;
    }
    log_.info("automatic request {} to {} (refused: {})", requestId(request),
              policy::agentJid(event.remote), event.reason);
    pending_.emplace(*sent, Pending{std::string(event.remote), now + configured->wait});
  }
  event.holdFor = configured->wait;
  return true;
}

void AutomaticRequests::handleAnswer(const Outgoing& answer) {
  auto it = pending_.find(answer.iqId);
  if (it == pending_.end()) return;
  const std::string peer = std::move(it->second.peer);
  pending_.erase(it);
  const auto j = nlohmann::json::parse(answer.response, nullptr, false);
  const bool granted = j.is_object() && j.value("status", std::string()) == "granted";
  const std::string reason = granted ? std::string() : refusalReason(peer, answer.response);
  log_.info("automatic request {} to {}: {}", answer.requestId, peer,
            granted ? std::string("granted") : reason);
  server::FederationEvent event{agent_.server(), {}, peer, reason};
  agent_.server().hooks().federation.fire(granted ? "fac-access-granted" : "fac-access-refused",
                                          event);
}

}  // namespace keyfed::agent
