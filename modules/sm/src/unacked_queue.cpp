#include "unacked_queue.hpp"

#include <charconv>
#include <string>
#include <utility>

namespace keyfed::modules::sm {

void UnackedQueue::push(const xml::Element& stanza) {
  pending_.push_back(stanza);
  ++sent_;  // unsigned: wraps at 2^32 as section 4 requires
}

base::Result<void> UnackedQueue::ack(std::uint32_t h) {
  // Distances mod 2^32: how many of the pending stanzas h covers.
  const std::uint32_t newly = h - acked_;
  if (newly > pending_.size()) {
    return base::fail(
        "sm.handled-count-too-high",
        "acknowledged " + std::to_string(h) + " stanzas, " + std::to_string(sent_) + " were sent");
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(newly));
  acked_ = h;
  return {};
}

std::deque<xml::Element> UnackedQueue::takeAll() {
  acked_ = sent_;
  return std::exchange(pending_, {});
}

base::Result<std::uint32_t> parseCounter(std::string_view text) {
  std::uint32_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) {
    return base::fail("sm.bad-counter", "'h' is not a number below 2^32");
  }
  return value;
}

}  // namespace keyfed::modules::sm
