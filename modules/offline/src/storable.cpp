#include "storable.hpp"

#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::offline {

bool isStorableType(const xml::Element& message) {
  const auto type = xmpp::stanzaType(message);
  return type.empty() || type == "normal" || type == "chat";
}

bool isWorthStoring(const xml::Element& message) {
  if (message.child("no-store", kHintsNs) != nullptr) return false;
  if (message.child("store", kHintsNs) != nullptr) return true;
  for (const auto& child : message.children()) {
    if (child.ns() == kChatStatesNs || child.ns() == kHintsNs) continue;
    // A thread id alone carries nothing to read.
    if (child.name() == "thread" && child.ns() == message.ns()) continue;
    return true;
  }
  return false;
}

}  // namespace keyfed::modules::offline
