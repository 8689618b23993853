#pragma once
// XEP-0082 DateTime in UTC with second precision: "2023-11-14T22:13:20Z"
// (XEP-0202 entity time, XEP-0203 delay stamps).

#include <fmt/core.h>

#include <chrono>
#include <string>

#include "keyfed/base/clock.hpp"

namespace keyfed::xmpp {

inline std::string utcStamp(base::SystemTime t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day date{day};
  const hh_mm_ss time{secs - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

}  // namespace keyfed::xmpp
