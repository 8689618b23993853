#include "wake_worthy.hpp"

#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::push {

std::optional<WakeFacts> wakeFacts(const xml::Element& message) {
  if (xmpp::stanzaKind(message) != xmpp::StanzaKind::message) return std::nullopt;
  const auto type = xmpp::stanzaType(message);
  if (!type.empty() && type != "chat" && type != "normal") return std::nullopt;
  const xml::Element* body = message.child("body", message.ns());
  if (body == nullptr && message.child("propose", kJingleMessageNs) == nullptr) {
    return std::nullopt;
  }
  WakeFacts facts;
  facts.sender = std::string(xmpp::stanzaFrom(message));
  if (body != nullptr) facts.body = utf8Prefix(body->text(), kMaxBodyBytes);
  return facts;
}

std::string utf8Prefix(std::string_view text, std::size_t maxBytes) {
  if (text.size() <= maxBytes) return std::string(text);
  std::size_t end = maxBytes;
  // Back up over continuation bytes (10xxxxxx) to the start of a sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return std::string(text.substr(0, end));
}

}  // namespace keyfed::modules::push
