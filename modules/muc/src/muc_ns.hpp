#pragma once
// Namespaces of XEP-0045 and the data forms it uses.

#include <string_view>

namespace keyfed::modules::muc::ns {

inline constexpr std::string_view muc = "http://jabber.org/protocol/muc";
inline constexpr std::string_view user = "http://jabber.org/protocol/muc#user";
inline constexpr std::string_view admin = "http://jabber.org/protocol/muc#admin";
inline constexpr std::string_view owner = "http://jabber.org/protocol/muc#owner";
inline constexpr std::string_view roomConfig = "http://jabber.org/protocol/muc#roomconfig";
inline constexpr std::string_view roomInfo = "http://jabber.org/protocol/muc#roominfo";
inline constexpr std::string_view dataForms = "jabber:x:data";
inline constexpr std::string_view selfPing = "urn:xmpp:ping";  // XEP-0410 uses XEP-0199

}  // namespace keyfed::modules::muc::ns
