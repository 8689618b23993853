#pragma once
// What an inactive client's stream does with one outgoing stanza.

#include <string_view>

#include "keyfed/xml/element.hpp"

namespace keyfed::modules::csi {

inline constexpr std::string_view kCsiNs = "urn:xmpp:csi:0";

enum class Treatment {
  urgent,     // deliver now (after what is held, to keep the order)
  presence,   // hold; a newer presence from the same full JID replaces it
  chatState,  // hold; a newer chat state from the same full JID replaces it
};

// Presence that is available or unavailable can wait; subscription requests
// and errors cannot. A message waits only when all it says is a chat state
// (XEP-0085), looking inside a carbon (XEP-0280) for what it carries. IQs and
// anything with a body, subject or other payload (OMEMO, receipts) are urgent.
Treatment classify(const xml::Element& stanza);

}  // namespace keyfed::modules::csi
