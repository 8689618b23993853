#pragma once
// XEP-0060 error replies: a stanza error with an optional pubsub#errors
// condition ("precondition-not-met", "payload-too-big", ...).

#include <string_view>

#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"

namespace keyfed::modules::pep {

xml::Element pubsubRefusal(const xml::Element& iq, xmpp::StanzaErrorCondition condition,
                           std::string_view pubsubCondition = {}, std::string_view text = {});

// feature-not-implemented with <unsupported feature='...'/>.
xml::Element unsupportedFeature(const xml::Element& iq, std::string_view feature);

}  // namespace keyfed::modules::pep
