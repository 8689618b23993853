#pragma once
// vcard-temp (XEP-0054) to vCard4 (RFC 6351, XEP-0292) and back, the
// properties both can express (docs/vcard.md has the table). A property the
// other side cannot express, or one whose shape is not the expected one, is
// carried over unchanged in its own namespace: vCard4 and vcard-temp readers
// ignore elements of other namespaces, and the way back restores them, so a
// round trip loses nothing a client sent.

#include <cstddef>
#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::vcard {

inline constexpr std::string_view kVCard4Ns = "urn:ietf:params:xml:ns:vcard-4.0";
// The PEP node XEP-0292 puts the account's own vCard4 in, and its item id.
inline constexpr std::string_view kVCard4Node = "urn:xmpp:vcard4";
inline constexpr std::string_view kVCard4ItemId = "current";
// Properties (child elements of the card) a card may have on either side.
inline constexpr std::size_t kMaxProperties = 256;

// <vCard xmlns='vcard-temp'/> to <vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'/>.
// Errors ("vcard.mapping"): not a vcard-temp card, more than kMaxProperties.
base::Result<xml::Element> toVCard4(const xml::Element& vcardTemp);

// The reverse. Errors ("vcard.mapping"): not a vCard4 <vcard/>, more than
// kMaxProperties.
base::Result<xml::Element> toVCardTemp(const xml::Element& vcard4);

// The text without spaces, tabs and line breaks (clients wrap base64 and
// media types at 76 columns).
std::string withoutWhitespace(std::string_view text);

}  // namespace keyfed::modules::vcard
