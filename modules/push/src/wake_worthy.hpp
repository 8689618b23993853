#pragma once
// Which deferred messages are worth waking a device for (docs/push.md,
// "What wakes a device"): a chat or normal message (or one without a type)
// with a body, or a Jingle call proposal (XEP-0353). Not worth it: chat
// states, receipts and markers without a body, carbons (the original reached
// another resource of the account live), headlines, groupchat and errors.

#include <optional>
#include <string>

#include "keyfed/xml/element.hpp"

namespace keyfed::modules::push {

inline constexpr std::string_view kJingleMessageNs = "urn:xmpp:jingle-message:0";
// The summary's body is a preview: at most this many bytes of the message's.
inline constexpr std::size_t kMaxBodyBytes = 256;

// What a notification may say about one message.
struct WakeFacts {
  std::string sender;  // the message's 'from'
  std::string body;    // the first <body/>, cut to kMaxBodyBytes; empty for a call
};

// nullopt when the message is not worth a notification.
std::optional<WakeFacts> wakeFacts(const xml::Element& message);

// `text` cut to at most `maxBytes` without splitting a UTF-8 sequence.
std::string utf8Prefix(std::string_view text, std::size_t maxBytes);

}  // namespace keyfed::modules::push
