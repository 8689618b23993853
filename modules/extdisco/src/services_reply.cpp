#include "services_reply.hpp"

#include "keyfed/xmpp/datetime.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "turn_credentials.hpp"

namespace keyfed::modules::extdisco {
namespace {

void addService(xml::Element& parent, const ExternalService& s, std::string_view user,
                base::SystemTime now, std::chrono::seconds ttl) {
  auto& el = parent.addChild("service", std::string(kExtdiscoNs));
  el.setAttr("type", s.type);
  el.setAttr("host", s.host);
  if (s.port != 0) el.setAttr("port", std::to_string(s.port));
  if (!s.transport.empty()) el.setAttr("transport", s.transport);
  if (!s.secret.empty()) {
    const TurnCredentials c = makeTurnCredentials(s.secret, user, now + ttl);
    el.setAttr("username", c.username);
    el.setAttr("password", c.password);
    el.setAttr("expires", xmpp::utcStamp(c.expires));
    el.setAttr("restricted", "1");
  } else if (!s.username.empty()) {
    el.setAttr("username", s.username);
    el.setAttr("password", s.password);
    el.setAttr("restricted", "1");
  }
}

xml::Element iqError(const xml::Element& iq, xmpp::StanzaErrorCondition condition) {
  xmpp::StanzaError error;
  error.condition = condition;
  return xmpp::makeIqError(iq, error);
}

}  // namespace

xml::Element answer(const ExternalServicesConfig& config, const xml::Element& iq,
                    std::string_view user, base::SystemTime now) {
  const xml::Element* request = xmpp::iqPayload(iq);
  if (request == nullptr) {
    return iqError(iq, xmpp::StanzaErrorCondition::badRequest);
  }
  if (request->is("services", kExtdiscoNs)) {
    // Section 3.2: an optional type narrows the list.
    const std::string_view type = request->attr("type");
    xml::Element services("services", std::string(kExtdiscoNs));
    if (!type.empty()) services.setAttr("type", type);
    for (const auto& s : config.services) {
      if (type.empty() || s.type == type) addService(services, s, user, now, config.credentialTtl);
    }
    return xmpp::makeIqResult(iq, std::move(services));
  }
  // Section 3.3: credentials for one service, named by host (and type).
  const xml::Element* wanted = request->child("service", kExtdiscoNs);
  if (wanted == nullptr) {
    return iqError(iq, xmpp::StanzaErrorCondition::badRequest);
  }
  xml::Element credentials("credentials", std::string(kExtdiscoNs));
  for (const auto& s : config.services) {
    if (s.host != wanted->attr("host")) continue;
    if (!wanted->attr("type").empty() && s.type != wanted->attr("type")) continue;
    addService(credentials, s, user, now, config.credentialTtl);
  }
  if (credentials.childCount() == 0) {
    return iqError(iq, xmpp::StanzaErrorCondition::itemNotFound);
  }
  return xmpp::makeIqResult(iq, std::move(credentials));
}

}  // namespace keyfed::modules::extdisco
