// XEP-0054 vcard-temp. The card is stored as the serialized <vCard/> element,
// exactly as the owner sent it; reads parse it back. Only the owner writes
// (iq-set without 'to', or to the own bare JID); anyone may read.
#include <string>

#include "keyfed/modules/vcard.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using xmpp::StanzaErrorCondition;
namespace errc = storage::errc;

xml::Element emptyVCard() {
  return xml::Element("vCard", std::string(xmpp::ns::vcard));
}

class VCardModule final : public server::Module {
 public:
  std::string_view name() const override { return "vcard"; }

  base::Result<void> load(server::Server& server) override {
    server.disco().addServerFeature(xmpp::ns::vcard);
    auto& hooks = server.hooks().stanzas;
    const std::string ns(xmpp::ns::vcard);
    hooks.hook("iq-get/self/" + ns, [this](server::StanzaEvent& e) { return handleGet(e); });
    hooks.hook("iq-get/bare/" + ns, [this](server::StanzaEvent& e) { return handleGet(e); });
    hooks.hook("iq-set/self/" + ns, [this](server::StanzaEvent& e) { return handleSet(e); });
    // Someone else's card: answered the same whether the account exists or not.
    hooks.hook("iq-set/bare/" + ns, [](server::StanzaEvent& e) {
      e.server.bounce(e.stanza, StanzaErrorCondition::forbidden);
      return true;
    });
    return {};
  }

 private:
  // The card of the account at e.to (the requester's own for iq-get/self).
  bool handleGet(server::StanzaEvent& e) {
    const xml::Element* payload = xmpp::iqPayload(e.stanza);
    if (payload->name() != "vCard") {
      e.server.bounce(e.stanza, StanzaErrorCondition::badRequest);
      return true;
    }
    auto stored = e.server.storage().vcards().get(e.to.node(), e.to.domain());
    if (!stored) {
      // No such account: the same answer as for any iq to an absent entity.
      const bool absent = stored.error().code == errc::kNotFound;
      if (!absent)
        log_.warn("reading the vCard of {}: {}", e.to.bareView(), stored.error().describe());
      e.server.bounce(e.stanza, absent ? StanzaErrorCondition::serviceUnavailable
                                       : StanzaErrorCondition::internalServerError);
      return true;
    }
    if (!stored->has_value()) {
      e.server.route(xmpp::makeIqResult(e.stanza, emptyVCard()));
      return true;
    }
    auto card = xml::parseStoredElement(**stored, e.server.storage().limits().vcardBytes + 1024);
    if (!card) {
      log_.error("the stored vCard of {} is unreadable: {}", e.to.bareView(),
                 card.error().describe());
      e.server.bounce(e.stanza, StanzaErrorCondition::internalServerError);
      return true;
    }
    e.server.route(xmpp::makeIqResult(e.stanza, std::move(*card)));
    return true;
  }

  bool handleSet(server::StanzaEvent& e) {
    const xml::Element* payload = xmpp::iqPayload(e.stanza);
    if (payload->name() != "vCard") {
      e.server.bounce(e.stanza, StanzaErrorCondition::badRequest);
      return true;
    }
    auto& store = e.server.storage().vcards();
    const auto user = e.to.node();
    const auto host = e.to.domain();
    base::Result<void> saved;
    if (payload->childCount() == 0 &&
        payload->text().find_first_not_of(" \t\r\n") == std::string::npos) {
      // An empty card is no card: reads answer with an empty <vCard/> either way.
      saved = store.remove(user, host);
    } else {
      const std::string text = xml::toString(*payload);
      const std::size_t limit = e.server.storage().limits().vcardBytes;
      if (text.size() > limit) {
        e.server.bounce(e.stanza, StanzaErrorCondition::notAcceptable,
                        "the vCard is larger than " + std::to_string(limit) + " bytes");
        return true;
      }
      saved = store.set(user, host, text);
    }
    if (!saved) {
      const bool refused = saved.error().code == errc::kInvalid;
      if (!refused)
        log_.warn("storing the vCard of {}: {}", e.to.bareView(), saved.error().describe());
      e.server.bounce(e.stanza, refused ? StanzaErrorCondition::notAcceptable
                                        : StanzaErrorCondition::internalServerError);
      return true;
    }
    e.server.route(xmpp::makeIqResult(e.stanza));
    return true;
  }

  base::Logger log_{"vcard"};
};

}  // namespace

std::unique_ptr<server::Module> makeVCardModule() {
  return std::make_unique<VCardModule>();
}

}  // namespace keyfed::modules
