// XEP-0092: <query xmlns='jabber:iq:version'><name/><version/></query> for the
// server's domain. <os/> is optional and left out: telling strangers the exact
// kernel helps nobody but an attacker (a config option may add it later).
#include <string>

#include "keyfed/modules/version.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

bool handleVersion(server::StanzaEvent& e) {
  const xml::Element* payload = xmpp::iqPayload(e.stanza);
  if (payload == nullptr || !payload->is("query", xmpp::ns::version)) return false;
  const std::string ns(xmpp::ns::version);
  xml::Element query("query", ns);
  query.addChild("name", ns).addText(server::kServerName);
  query.addChild("version", ns).addText(server::serverVersion());
  e.server.route(xmpp::makeIqResult(e.stanza, std::move(query)));
  return true;
}

class VersionModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "version"; }

  base::Result<void> load(server::Server& server) override {
    server.disco().addServerFeature(xmpp::ns::version);
    server.hooks().stanzas.hook("iq-get/host/" + std::string(xmpp::ns::version), handleVersion);
    return {};
  }
};

}  // namespace

std::unique_ptr<server::Module> makeVersionModule() {
  return std::make_unique<VersionModule>();
}

}  // namespace keyfed::modules
