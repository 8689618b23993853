#include "keyfed/modules/extdisco.hpp"

#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "services_reply.hpp"

namespace keyfed::modules {
namespace {

using extdisco::kExtdiscoNs;

class ExternalServicesModule final : public server::Module {
 public:
  explicit ExternalServicesModule(std::optional<ExternalServicesConfig> config)
      : given_(std::move(config)) {}

  [[nodiscard]] std::string_view name() const override { return "external_services"; }

  base::Result<void> load(server::Server& server) override {
    config_ = given_ ? *given_ : externalServicesConfig(server.config());
    // Nothing configured: nothing advertised, and requests get the router's
    // service-unavailable, as for any feature the server lacks.
    if (config_.services.empty()) return {};
    server.disco().addServerFeature(kExtdiscoNs);
    for (const char* kind : {"iq-get/host/", "iq-get/self/"}) {
      server.hooks().stanzas.hook(std::string(kind) + std::string(kExtdiscoNs),
                                  [this](server::StanzaEvent& e) { return onRequest(e); });
    }
    return {};
  }

 private:
  // Credentials open a relay that costs bandwidth: only the host's own
  // authenticated users get them (and the list, which names the relays).
  bool onRequest(server::StanzaEvent& e) {
    const std::string_view host = e.to.valid() ? e.to.domain() : e.from.domain();
    if (e.client() == nullptr || !e.from.hasNode() || e.from.domain() != host) {
      e.server.bounce(e.stanza, xmpp::StanzaErrorCondition::forbidden,
                      "external services are for this server's own users");
      return true;
    }
    e.server.route(extdisco::answer(config_, e.stanza, e.from.bareView(), e.server.clock().now()));
    return true;
  }

  std::optional<ExternalServicesConfig> given_;
  ExternalServicesConfig config_;
};

}  // namespace

std::unique_ptr<server::Module> makeExternalServicesModule(
    std::optional<ExternalServicesConfig> config) {
  return std::make_unique<ExternalServicesModule>(std::move(config));
}

}  // namespace keyfed::modules
