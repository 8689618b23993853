#pragma once
// UTF-8 validation shared by the JID and SASL code (private to libs/xmpp).

#include <string_view>

#include "keyfed/base/utf8.hpp"

namespace keyfed::xmpp::detail {

// True when s is well-formed UTF-8 (no overlong forms, surrogates or code
// points above U+10FFFF) and contains no NUL.
inline bool isUtf8WithoutNul(std::string_view s) {
  return s.find('\0') == std::string_view::npos && base::isUtf8(s);
}

}  // namespace keyfed::xmpp::detail
