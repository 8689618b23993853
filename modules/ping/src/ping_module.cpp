// XEP-0199: <iq type='get' to='host'><ping xmlns='urn:xmpp:ping'/></iq> is
// answered with an empty result. That is the whole protocol.
#include <string>

#include "keyfed/modules/ping.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

bool handlePing(server::StanzaEvent& e) {
  // Another element in this namespace is not a ping: the router's
  // service-unavailable answers it.
  const xml::Element* payload = xmpp::iqPayload(e.stanza);
  if (payload == nullptr || !payload->is("ping", xmpp::ns::ping)) return false;
  e.server.route(xmpp::makeIqResult(e.stanza));
  return true;
}

class PingModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "ping"; }

  base::Result<void> load(server::Server& server) override {
    server.disco().addServerFeature(xmpp::ns::ping);
    server.hooks().stanzas.hook("iq-get/host/" + std::string(xmpp::ns::ping), handlePing);
    return {};
  }
};

}  // namespace

std::unique_ptr<server::Module> makePingModule() {
  return std::make_unique<PingModule>();
}

}  // namespace keyfed::modules
