#include "history.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "keyfed/xml/writer.hpp"

namespace keyfed::modules::muc {
namespace {

// A non-negative number; anything else reads as absent (the attribute is ignored).
std::optional<std::size_t> count(const xml::Element& el, std::string_view name) {
  const auto text = el.attr(name);
  std::size_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

HistoryRequest HistoryRequest::from(const xml::Element* history) {
  HistoryRequest r;
  if (history == nullptr) return r;
  r.maxStanzas = count(*history, "maxstanzas");
  r.maxChars = count(*history, "maxchars");
  if (auto s = count(*history, "seconds")) {
    // Anything beyond a year means "everything kept" and cannot overflow the clock.
    constexpr std::size_t kYear = std::size_t{366} * 24 * 3600;
    r.seconds = std::chrono::seconds(std::min(*s, kYear));
  }
  return r;
}

void History::setCapacity(std::size_t capacity) {
  capacity_ = capacity;
  while (entries_.size() > capacity_) entries_.pop_front();
}

void History::add(xml::Element message, base::SystemTime at) {
  if (capacity_ == 0) return;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(Entry{std::move(message), at});
}

std::vector<const History::Entry*> History::select(const HistoryRequest& request,
                                                   base::SystemTime now) const {
  std::vector<const Entry*> out;
  std::size_t chars = 0;
  // Newest first, stopping at the first entry that breaks a limit.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (request.maxStanzas && out.size() >= *request.maxStanzas) break;
    if (request.seconds && now - it->at > *request.seconds) break;
    if (request.maxChars) {
      // Counted only when asked for: serialising is not free.
      chars += xml::toString(it->message).size();
      if (chars > *request.maxChars) break;
    }
    out.push_back(&*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace keyfed::modules::muc
