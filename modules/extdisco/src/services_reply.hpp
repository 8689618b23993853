#pragma once
// The XEP-0215 answers (urn:xmpp:extdisco:2): the list of services, filtered
// by type, and credentials for one service, from the configuration.

#include <string_view>

#include "keyfed/base/clock.hpp"
#include "keyfed/modules/extdisco_config.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::extdisco {

inline constexpr std::string_view kExtdiscoNs = "urn:xmpp:extdisco:2";

// The iq result for a <services/> or <credentials/> request from `user` (a
// bare JID), or the iq error. Services with a secret carry fresh credentials
// valid for credential_ttl; with static ones, those.
xml::Element answer(const ExternalServicesConfig& config, const xml::Element& iq,
                    std::string_view user, base::SystemTime now);

}  // namespace keyfed::modules::extdisco
