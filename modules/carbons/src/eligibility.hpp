#pragma once
// Which messages are copied (XEP-0280 section 6), apart from who gets them.

#include <string_view>

#include "keyfed/xml/element.hpp"

namespace keyfed::modules::carbons {

inline constexpr std::string_view kCarbonsNs = "urn:xmpp:carbons:2";
inline constexpr std::string_view kForwardNs = "urn:xmpp:forward:0";
inline constexpr std::string_view kHintsNs = "urn:xmpp:hints";

// A message a carbons-enabled resource should see a copy of: not marked
// <private/> or <no-copy/>, not itself a carbon, and of type chat, of type
// normal with a body, of type error, or carrying an IM payload (chat states,
// receipts, markers) whatever its type; never groupchat.
bool isEligible(const xml::Element& message);

}  // namespace keyfed::modules::carbons
