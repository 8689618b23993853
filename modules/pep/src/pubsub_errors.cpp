#include "pubsub_errors.hpp"

#include <string>

#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::pep {

xml::Element pubsubRefusal(const xml::Element& iq, xmpp::StanzaErrorCondition condition,
                           std::string_view pubsubCondition, std::string_view text) {
  xmpp::StanzaError error;
  error.condition = condition;
  error.text = std::string(text);
  if (!pubsubCondition.empty()) {
    error.applicationCondition =
        xml::Element(std::string(pubsubCondition), std::string(xmpp::ns::pubsubErrors));
  }
  return xmpp::makeIqError(iq, error);
}

xml::Element unsupportedFeature(const xml::Element& iq, std::string_view feature) {
  xmpp::StanzaError error;
  error.condition = xmpp::StanzaErrorCondition::featureNotImplemented;
  xml::Element unsupported("unsupported", std::string(xmpp::ns::pubsubErrors));
  unsupported.setAttr("feature", feature);
  error.applicationCondition = std::move(unsupported);
  return xmpp::makeIqError(iq, error);
}

}  // namespace keyfed::modules::pep
