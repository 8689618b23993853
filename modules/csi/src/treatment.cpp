#include "treatment.hpp"

#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::csi {
namespace {

constexpr std::string_view kChatStatesNs = "http://jabber.org/protocol/chatstates";
constexpr std::string_view kHintsNs = "urn:xmpp:hints";
constexpr std::string_view kCarbonsNs = "urn:xmpp:carbons:2";
constexpr std::string_view kForwardNs = "urn:xmpp:forward:0";

// The message a carbon carries, or the message itself.
const xml::Element& carried(const xml::Element& message) {
  for (std::string_view direction : {"received", "sent"}) {
    const auto* wrapper = message.child(direction, kCarbonsNs);
    const auto* forwarded = wrapper ? wrapper->child("forwarded", kForwardNs) : nullptr;
    if (forwarded == nullptr) continue;
    for (const auto& inner : forwarded->children("message")) return inner;
  }
  return message;
}

bool onlyChatState(const xml::Element& message) {
  bool state = false;
  for (const auto& child : message.children()) {
    if (child.ns() == kChatStatesNs) {
      state = true;
    } else if (child.ns() == kHintsNs || (child.name() == "thread" && child.ns() == message.ns())) {
      continue;  // says nothing a person reads
    } else {
      return false;
    }
  }
  return state;
}

}  // namespace

Treatment classify(const xml::Element& stanza) {
  switch (xmpp::stanzaKind(stanza)) {
    case xmpp::StanzaKind::presence: {
      const auto type = xmpp::stanzaType(stanza);
      return type.empty() || type == "unavailable" ? Treatment::presence : Treatment::urgent;
    }
    case xmpp::StanzaKind::message: {
      if (xmpp::stanzaType(stanza) == "error") return Treatment::urgent;
      return onlyChatState(carried(stanza)) ? Treatment::chatState : Treatment::urgent;
    }
    case xmpp::StanzaKind::iq:
    case xmpp::StanzaKind::other: break;
  }
  return Treatment::urgent;
}

}  // namespace keyfed::modules::csi
