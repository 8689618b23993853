#pragma once
// The namespaces this module speaks.

#include <string_view>

namespace keyfed::archive {

inline constexpr std::string_view kMamNs = "urn:xmpp:mam:2";  // XEP-0313
inline constexpr std::string_view kMamExtendedNs =
    "urn:xmpp:mam:2#extended";                                                // after-id, before-id
inline constexpr std::string_view kStanzaIdNs = "urn:xmpp:sid:0";             // XEP-0359
inline constexpr std::string_view kHintsNs = "urn:xmpp:hints";                // XEP-0334
inline constexpr std::string_view kForwardNs = "urn:xmpp:forward:0";          // XEP-0297
inline constexpr std::string_view kRsmNs = "http://jabber.org/protocol/rsm";  // XEP-0059
inline constexpr std::string_view kDataFormsNs = "jabber:x:data";             // XEP-0004

}  // namespace keyfed::archive
