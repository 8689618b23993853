#pragma once
// Which messages go into an archive, and the XEP-0359 <stanza-id/> that tells
// the recipient under which id (docs/mam.md, "What is archived").

#include <functional>
#include <string_view>

#include "keyfed/xml/element.hpp"

namespace keyfed::archive {

// A chat or normal message (type absent, 'chat' or 'normal') with a <body/>,
// without a XEP-0334 <no-store/> or <no-permanent-store/> hint. Errors,
// headlines and groupchat messages never are.
bool isArchivable(const xml::Element& message);

// Whether the message carries a XEP-0334 <no-store/> or <no-permanent-store/> hint.
bool hasNoStoreHint(const xml::Element& message);

// Removes every <stanza-id/> whose 'by' names an entity of a domain for which
// `isLocalDomain` is true: only this server may say under which id it
// archived a message for its users. Returns how many it removed.
std::size_t stripLocalStanzaIds(xml::Element& message,
                                const std::function<bool(std::string_view)>& isLocalDomain);

// The <stanza-id by=... id=.../> of `by`, or nullptr.
const xml::Element* stanzaIdBy(const xml::Element& message, std::string_view by);

void addStanzaId(xml::Element& message, std::string_view by, std::string_view id);

}  // namespace keyfed::archive
