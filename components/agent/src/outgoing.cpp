// Requests this server's agent sends to other agents, the answers, and the
// JSON form of a response.

#include <nlohmann/json.hpp>

#include "keyfed/agent/agent.hpp"
#include "keyfed/policy/fac_gate.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::agent {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxOutgoing = 256;

std::string isoTime(base::SystemTime t) {
  const std::time_t seconds = static_cast<std::time_t>(base::unixSeconds(t));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

}  // namespace

std::string Response::toJson() const {
  json j = {{"version", kProtocolVersion}, {"id", id}, {"status", toString(status)}};
  if (status == Status::invalid) {
    j["error"] = {{"code", error.code}, {"message", error.message}};
  } else {
    j["value"] = value;
    j["explanation"] = explanation;
  }
  if (!changes.empty()) {
    json list = json::array();
    for (const auto& c : changes) {
      json spec = json::parse(c.spec, nullptr, false);
      list.push_back({{"entry", c.entry},
                      {"kind", storage::toString(c.kind)},
                      {"rule", c.rule},
                      {"spec", spec.is_discarded() ? json(c.spec) : spec}});
    }
    j["changes"] = std::move(list);
  }
  if (expires) {
    j["expires"] = base::unixSeconds(*expires);
    j["expires_at"] = isoTime(*expires);
  }
  if (!note.empty()) j["note"] = note;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

base::Result<std::string> Agent::send(std::string_view to, const Request& request) {
  auto target = xmpp::Jid::parse(to);
  if (!target) return base::fail("agent.bad-jid", "'" + std::string(to) + "' is not a JID");
  if (server_.config().virtualHosts.empty()) {
    return base::fail("agent.no-host", "no virtual host to send from");
  }
  // From the virtual host the request speaks for when it is ours, else the first.
  std::string from = server_.config().virtualHosts.front().domain;
  if (auto domain = request.attributes.find("Server_Domain");
      domain != request.attributes.end() && server_.isLocalDomain(domain->second)) {
    from = domain->second;
  }
  Outgoing out;
  out.iqId = "fac-" + std::to_string(++nextIq_) + "-" + makeNonce().substr(0, 8);
  out.to = target->full();
  out.requestId = requestId(request);
  out.sent = server_.clock().now();

  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", "set")
      .setAttr("id", out.iqId)
      .setAttr("from", policy::agentJid(from))
      .setAttr("to", out.to);
  iq.addChild("request", std::string(policy::kFacNamespace)).addText(toJson(request));

  storage::AuditRecord r;
  r.at = out.sent;
  r.event = "sent";
  r.requestId = out.requestId;
  r.principal = request.requester;
  r.peer = out.to;
  r.detail = toJson(request);
  if (auto appended = server_.storage().audit().append(r); !appended) {
    return base::fail(appended.error());
  }
  outgoing_.push_back(out);
  if (outgoing_.size() > kMaxOutgoing) outgoing_.pop_front();
  server_.route(std::move(iq));
  return out.iqId;
}

void Agent::handleAnswer(const xml::Element& iq) {
  const auto id = xmpp::stanzaId(iq);
  auto it = std::find_if(outgoing_.begin(), outgoing_.end(),
                         [&](const Outgoing& o) { return o.iqId == id; });
  if (it == outgoing_.end() || it->answered) return;
  // Only the JID asked may answer (its server stamped and verified 'from').
  auto from = xmpp::Jid::parse(xmpp::stanzaFrom(iq));
  if (!from || from->full() != it->to) return;
  it->answered = true;
  std::string outcome;
  if (xmpp::stanzaType(iq) == "result") {
    const xml::Element* payload = iq.child("response", policy::kFacNamespace);
    it->response = payload != nullptr ? payload->text() : std::string("{}");
    json parsed = json::parse(it->response, nullptr, false);
    if (parsed.is_object() && parsed.contains("status") && parsed["status"].is_string()) {
      outcome = parsed["status"].get<std::string>();
    }
  } else {
    auto error = xmpp::parseStanzaError(iq);
    json j = {
        {"status", "error"},
        {"error",
         {{"condition", error ? std::string(xmpp::conditionName(error->condition)) : "unknown"},
          {"text", error ? error->text : ""}}}};
    it->response = j.dump(-1, ' ', false, json::error_handler_t::replace);
    outcome = "error";
  }
  storage::AuditRecord r;
  r.at = server_.clock().now();
  r.event = "response";
  r.requestId = it->requestId;
  r.peer = it->to;
  r.outcome = outcome;
  r.detail = it->response.size() <= server_.storage().limits().auditDetailBytes
                 ? it->response
                 : it->response.substr(0, 1024) + "...";
  if (auto appended = server_.storage().audit().append(r); !appended) {
    log_.error("audit log: cannot record the answer to {}: {}", it->requestId,
               appended.error().describe());
  }
  // A copy: the listener may send another request, which moves outgoing_.
  if (answerListener_) answerListener_(Outgoing(*it));
}

const Outgoing* Agent::outgoing(std::string_view iqId) const {
  for (const auto& o : outgoing_) {
    if (o.iqId == iqId) return &o;
  }
  return nullptr;
}

}  // namespace keyfed::agent
