#include "held_queue.hpp"

#include <algorithm>
#include <utility>

namespace keyfed::modules::csi {

bool HeldQueue::hold(Treatment treatment, const xml::Element& stanza) {
  const std::string_view from = stanza.attr("from");
  auto older = std::find_if(held_.begin(), held_.end(), [&](const Held& h) {
    return h.treatment == treatment && h.from == from;
  });
  if (older != held_.end()) {
    // Move the replacement to the end: it is the newest news.
    held_.erase(older);
  } else if (held_.size() >= capacity_) {
    return false;
  }
  held_.push_back(Held{treatment, std::string(from), stanza});
  return true;
}

void HeldQueue::flush(const std::function<void(const xml::Element&)>& deliver) {
  auto held = std::exchange(held_, {});
  for (const auto& h : held) deliver(h.stanza);
}

}  // namespace keyfed::modules::csi
