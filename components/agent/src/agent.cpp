// The FAC agent: verification, the KeyNote decision, applying and expiring
// grants, and the audit trail of each step.

#include "keyfed/agent/agent.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "attributes.hpp"
#include "keyfed/base/utf8.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keynote/keys.hpp"
#include "keynote_query.hpp"

namespace keyfed::agent {
namespace {

using namespace std::chrono_literals;

constexpr auto kTimerCap = 60s;  // re-check at least this often (wall-clock steps)

std::string sha256Hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

std::string describeEntry(const storage::PolicyEntry& e) {
  auto rule = policy::parseRule(e.kind, e.spec);
  return rule ? policy::describe(*rule) : std::string(storage::toString(e.kind)) + " " + e.spec;
}

}  // namespace

std::string_view toString(Status status) {
  switch (status) {
    case Status::granted: return "granted";
    case Status::refused: return "refused";
    case Status::invalid: return "invalid";
  }
  return "invalid";
}

Agent::Agent(server::Server& server, AgentConfig config)
    : server_(server),
      config_(std::move(config)),
      live_(std::make_shared<policy::LivePolicy>(server.storage().policyEntries())),
      timer_(std::make_unique<net::Timer>(server.loop())) {}

Agent::~Agent() = default;

base::Result<void> Agent::start() {
  auto skipped = live_->load();
  if (!skipped) return base::fail(std::move(skipped).error());
  for (const auto& why : *skipped) log_.warn("live policy entry ignored: {}", why);
  live_->setGroups([this](std::string_view group, std::string_view jid) {
    return config_.isMember(group, jid);
  });
  server_.policy().replaceDecider(std::make_shared<policy::LiveDecider>(live_));
  log_.info("FAC agent ready: {} POLICY assertion(s), {} live entr{}",
            config_.policyAssertions.size(), live_->entries().size(),
            live_->entries().size() == 1 ? "y" : "ies");
  expireDue();
  return {};
}

void Agent::reconfigure(AgentConfig config) {
  config_ = std::move(config);
  log_.info("FAC agent reconfigured: {} POLICY assertion(s)", config_.policyAssertions.size());
}

bool Agent::servesTarget(std::string_view domain) const {
  return server_.isLocalDomain(domain);
}

void Agent::audit(std::string_view event, std::string_view requestId, std::string_view principal,
                  std::string_view peer, std::string_view outcome, std::int64_t entryId,
                  std::string detail) {
  storage::AuditRecord r;
  r.at = server_.clock().now();
  r.event = std::string(event);
  r.requestId = std::string(requestId);
  r.principal = std::string(principal);
  r.peer = std::string(peer);
  r.outcome = std::string(outcome);
  r.entryId = entryId;
  r.detail = std::move(detail);
  if (auto appended = server_.storage().audit().append(r); !appended) {
    log_.error("audit log: cannot record {} of request {}: {}", event, requestId,
               appended.error().describe());
  }
}

bool Agent::auditOrFail(std::string_view event, std::string_view requestId,
                        std::string_view principal, std::string_view peer, std::string_view outcome,
                        std::string detail) {
  storage::AuditRecord r;
  r.at = server_.clock().now();
  r.event = std::string(event);
  r.requestId = std::string(requestId);
  r.principal = std::string(principal);
  r.peer = std::string(peer);
  r.outcome = std::string(outcome);
  r.detail = std::move(detail);
  auto appended = server_.storage().audit().append(r);
  if (!appended) {
    log_.error("audit log: cannot record {} of request {}: {}", event, requestId,
               appended.error().describe());
  }
  return appended.has_value();
}

Response Agent::finishInvalid(Response response, const Origin& origin, std::string_view principal) {
  response.status = Status::invalid;
  audit("invalid", response.id, principal, origin.peer, response.error.code, 0,
        response.error.message);
  log_.info("FAC request {} from {} is invalid: {}", response.id, origin.peer,
            response.error.describe());
  return response;
}

Response Agent::handle(std::string_view requestJson, const Origin& origin) {
  Response response;
  const base::SystemTime now = server_.clock().now();
  auto parsed = parseRequest(requestJson);
  if (!parsed) {
    response.id = requestIdOf(requestJson);
    const bool printable = requestJson.size() <= kMaxRequestBytes && base::isUtf8(requestJson) &&
                           requestJson.find('\0') == std::string_view::npos;
    audit("request", response.id, "", origin.peer, "", 0,
          printable ? std::string(requestJson)
                    : "(" + std::to_string(requestJson.size()) + " bytes, not shown)");
    response.error = parsed.error();
    return finishInvalid(std::move(response), origin, "");
  }
  const Request& request = *parsed;
  response.id = requestId(request);
  const std::string& principal = request.requester;
  if (!auditOrFail("request", response.id, principal, origin.peer, "", toJson(request))) {
    response.error = {errc::kInternal, "the audit log cannot be written; nothing is decided", ""};
    response.status = Status::invalid;
    return response;
  }

  if (!servesTarget(request.target)) {
    response.error = {errc::kTarget, "this agent does not serve " + request.target, ""};
    return finishInvalid(std::move(response), origin, principal);
  }
  const std::int64_t skew = base::unixSeconds(now) - request.timestamp;
  if (skew > config_.timestampWindow.count() || -skew > config_.timestampWindow.count()) {
    response.error = {errc::kStale,
                      "the request's timestamp is " + std::to_string(skew < 0 ? -skew : skew) +
                          " s away from the agent's clock (window: " +
                          std::to_string(config_.timestampWindow.count()) + " s)",
                      ""};
    return finishInvalid(std::move(response), origin, principal);
  }
  if (auto verified = verifyRequest(request); !verified) {
    response.error = verified.error();
    return finishInvalid(std::move(response), origin, principal);
  }
  // Only signed requests reach the nonce store, so strangers cannot fill it
  // without keys; it holds a digest of the canonical key (any encoding of one
  // key is one requester).
  auto canonical = keynote::canonicalKeyOf(principal);
  const std::string who = sha256Hex(canonical ? *canonical : principal);
  const base::SystemTime nonceExpiry =
      base::fromUnixSeconds(request.timestamp) + config_.timestampWindow + 1s;
  auto fresh = server_.storage().nonces().remember(who, request.nonce, nonceExpiry, now);
  if (!fresh) {
    const bool full = fresh.error().code == storage::errc::kQuota;
    response.error = {full ? errc::kBusy : errc::kInternal, fresh.error().message, ""};
    return finishInvalid(std::move(response), origin, principal);
  }
  if (!*fresh) {
    response.error = {errc::kReplay, "this request's nonce was already used", ""};
    return finishInvalid(std::move(response), origin, principal);
  }

  auto attributes = actionAttributes(request, origin.domain, now, config_);
  if (!attributes) {
    response.error = attributes.error();
    return finishInvalid(std::move(response), origin, principal);
  }
  auto effects = effectsOf(*attributes);
  if (!effects) {
    response.error = effects.error();
    return finishInvalid(std::move(response), origin, principal);
  }

  QueryOutcome outcome = runQuery(config_, *attributes, principal, request.credentials);
  if (outcome.failed) {
    response.error = {errc::kInternal, outcome.explanation, ""};
    return finishInvalid(std::move(response), origin, principal);
  }
  response.value = outcome.valueName;
  response.explanation = outcome.explanation;
  response.status = outcome.value == 0 ? Status::refused : Status::granted;
  if (!auditOrFail("decision", response.id, principal, origin.peer, toString(response.status),
                   "result " + outcome.valueName + "\n" + outcome.explanation)) {
    response.status = Status::invalid;
    response.error = {errc::kInternal, "the audit log cannot be written; nothing is changed", ""};
    return response;
  }
  if (response.status == Status::refused) {
    log_.info("FAC request {} from {} refused ({})", response.id, origin.peer, outcome.valueName);
    return response;
  }

  response.note = effects->note;
  if (effects->rules.empty()) return response;
  const auto validity = std::min(
      {askedValidity(*attributes), config_.boundFor(outcome.valueName), config_.maxValidity});
  response.expires = now + validity;
  policy::Provenance provenance{"request", response.id, principal, now, response.expires};
  auto added = live_->add(effects->rules, provenance);
  if (!added) {
    audit("change", response.id, principal, origin.peer, "failed", 0, added.error().message);
    response.status = Status::invalid;
    response.error = {errc::kInternal, "the grant could not be applied: " + added.error().message,
                      ""};
    return response;
  }
  for (const auto& entry : *added) {
    Change c{entry.id, entry.kind, describeEntry(entry), entry.spec};
    audit("change", response.id, principal, origin.peer, "applied", entry.id,
          c.rule + " for " + std::to_string(validity.count()) + " s");
    response.changes.push_back(std::move(c));
  }
  log_.info("FAC request {} from {} granted ({}): {} change(s) for {} s", response.id, origin.peer,
            outcome.valueName, response.changes.size(), validity.count());
  server_.policy().changed();
  armTimer();
  return response;
}

void Agent::expireDue() {
  auto due = live_->expire(server_.clock().now());
  if (!due) {
    // Decisions already ignore what is due; retry later rather than spin on a failing database.
    log_.error("cannot expire live policy entries (retrying in {} s): {}", kTimerCap.count(),
               due.error().describe());
    timer_->start(kTimerCap, [this] { expireDue(); });
    return;
  }
  if (!due->empty()) {
    for (const auto& entry : *due) {
      audit("expiry", entry.requestId, entry.requester, "", "expired", entry.id,
            describeEntry(entry));
      log_.info("live policy entry {} expired: {}", entry.id, describeEntry(entry));
    }
    server_.policy().changed();
  }
  armTimer();
}

void Agent::armTimer() {
  auto next = live_->nextExpiry();
  if (!next) {
    timer_->cancel();
    return;
  }
  auto delay = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      *next - server_.clock().now());
  delay = std::clamp<std::chrono::steady_clock::duration>(delay, std::chrono::milliseconds(0),
                                                          kTimerCap);
  timer_->start(delay, [this] { expireDue(); });
}

base::Result<std::optional<storage::PolicyEntry>> Agent::revoke(std::int64_t id,
                                                                std::string_view who) {
  auto removed = live_->revoke(id);
  if (!removed) return removed;
  if (*removed) {
    const auto& entry = **removed;
    audit("revoke", entry.requestId, who, "admin", "removed", entry.id, describeEntry(entry));
    log_.info("live policy entry {} revoked by {}", entry.id, who);
    server_.policy().changed();
    armTimer();
  }
  return removed;
}

base::Result<std::vector<storage::PolicyEntry>> Agent::addEntries(
    const std::vector<policy::Rule>& rules, std::optional<std::chrono::seconds> validity,
    std::string_view who) {
  const base::SystemTime now = server_.clock().now();
  policy::Provenance provenance{"admin", "", std::string(who), now, std::nullopt};
  if (validity) provenance.expires = now + *validity;
  auto added = live_->add(rules, provenance);
  if (!added) return added;
  for (const auto& entry : *added) {
    audit("change", "", who, "admin", "applied", entry.id, describeEntry(entry));
  }
  server_.policy().changed();
  armTimer();
  return added;
}

}  // namespace keyfed::agent
