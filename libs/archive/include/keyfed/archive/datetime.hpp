#pragma once
// XEP-0082 DateTime, as the start/end filters use it (results are stamped
// with xmpp::utcStamp).

#include <optional>
#include <string>
#include <string_view>

#include "keyfed/base/clock.hpp"

namespace keyfed::archive {

// "CCYY-MM-DDThh:mm:ss[.sss]TZD" (TZD: Z or +hh:mm / -hh:mm); fractions beyond
// microseconds are cut. nullopt for anything else, including impossible dates.
std::optional<base::SystemTime> parseDateTime(std::string_view text);

}  // namespace keyfed::archive
