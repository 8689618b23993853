#include "keyfed/base/clock.hpp"

namespace keyfed::base {

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace keyfed::base
