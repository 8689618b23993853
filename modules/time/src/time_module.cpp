// XEP-0202: <time xmlns='urn:xmpp:time'><tzo/><utc/></time> for the server's
// domain. The server reports UTC only (tzo +00:00): its local zone is nobody's
// business and UTC is what clients use to correct their clocks.
#include <string>

#include "keyfed/modules/time.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/datetime.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

bool handleTime(server::StanzaEvent& e) {
  const xml::Element* payload = xmpp::iqPayload(e.stanza);
  if (payload == nullptr || !payload->is("time", xmpp::ns::time)) return false;
  const std::string ns(xmpp::ns::time);
  xml::Element time("time", ns);
  time.addChild("tzo", ns).addText("+00:00");
  time.addChild("utc", ns).addText(xmpp::utcStamp(e.server.clock().now()));
  e.server.route(xmpp::makeIqResult(e.stanza, std::move(time)));
  return true;
}

class TimeModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "time"; }

  base::Result<void> load(server::Server& server) override {
    server.disco().addServerFeature(xmpp::ns::time);
    server.hooks().stanzas.hook("iq-get/host/" + std::string(xmpp::ns::time), handleTime);
    return {};
  }
};

}  // namespace

std::unique_ptr<server::Module> makeTimeModule() {
  return std::make_unique<TimeModule>();
}

}  // namespace keyfed::modules
