#pragma once
// Which messages are worth keeping for an offline account (docs/server-features.md):
// chat and normal messages with some content. Chat states alone are
// transient (XEP-0085): "typing" is no news a day later. A <no-store/> hint
// (XEP-0334) is honoured; a <store/> hint keeps even a message without content.

#include "keyfed/xml/element.hpp"

namespace keyfed::modules::offline {

inline constexpr std::string_view kHintsNs = "urn:xmpp:hints";
inline constexpr std::string_view kChatStatesNs = "http://jabber.org/protocol/chatstates";

// True for type chat, normal or absent; false for headline, groupchat, error
// and anything unknown.
bool isStorableType(const xml::Element& message);
// True when the message has content worth delivering later.
bool isWorthStoring(const xml::Element& message);

}  // namespace keyfed::modules::offline
