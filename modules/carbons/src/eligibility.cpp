#include "eligibility.hpp"

#include <array>

#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::carbons {
namespace {

// Payloads "typically used in instant messaging" (XEP-0280 section 6, item 3).
constexpr std::array<std::string_view, 3> kImPayloadNs = {
    "http://jabber.org/protocol/chatstates",  // XEP-0085
    "urn:xmpp:receipts",                      // XEP-0184
    "urn:xmpp:chat-markers:0",                // XEP-0333
};

bool hasImPayload(const xml::Element& message) {
  for (const auto& child : message.children()) {
    for (auto ns : kImPayloadNs) {
      if (child.ns() == ns) return true;
    }
  }
  return false;
}

}  // namespace

bool isEligible(const xml::Element& message) {
  if (message.child("private", kCarbonsNs) != nullptr) return false;
  if (message.child("no-copy", kHintsNs) != nullptr) return false;
  // Carbons of carbons would loop between resources; a "carbon" from anyone
  // else is a forgery the client must not trust anyway.
  if (message.child("received", kCarbonsNs) != nullptr ||
      message.child("sent", kCarbonsNs) != nullptr) {
    return false;
  }
  const auto type = xmpp::stanzaType(message);
  if (type == "groupchat") return false;
  if (type == "chat" || type == "error") return true;
  if ((type.empty() || type == "normal") && message.child("body", message.ns()) != nullptr) {
    return true;
  }
  return hasImPayload(message);
}

}  // namespace keyfed::modules::carbons
