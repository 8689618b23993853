#pragma once
// The wrapper a carbon travels in (XEP-0280 sections 7 and 8):
//   <message from='BARE' to='FULL' type='T'>
//     <received|sent xmlns='urn:xmpp:carbons:2'>
//       <forwarded xmlns='urn:xmpp:forward:0'><message .../></forwarded>
//     </received|sent>
//   </message>

#include <string_view>

#include "keyfed/xml/element.hpp"

namespace keyfed::modules::carbons {

enum class Direction { received, sent };

xml::Element wrapCarbon(const xml::Element& original, Direction direction,
                        std::string_view accountBare, std::string_view toFull);

}  // namespace keyfed::modules::carbons
