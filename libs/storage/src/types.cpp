#include "keyfed/storage/types.hpp"

namespace keyfed::storage {

std::string_view toString(Subscription s) {
  switch (s) {
    case Subscription::none: return "none";
    case Subscription::to: return "to";
    case Subscription::from: return "from";
    case Subscription::both: return "both";
  }
  return "none";
}

}  // namespace keyfed::storage
