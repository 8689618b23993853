#pragma once
// A room's discussion history (XEP-0045 7.2.15): the last N groupchat
// messages, in memory only, and the subset a joining occupant asks for with
// <history maxstanzas='' maxchars='' seconds=''/>.

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::muc {

struct HistoryRequest {
  std::optional<std::size_t> maxStanzas;
  std::optional<std::size_t> maxChars;  // of the messages' XML, as XEP-0045 counts
  std::optional<std::chrono::seconds> seconds;

  // Reads <history/> from a join's <x xmlns='...muc'/> (absent: everything kept).
  static HistoryRequest from(const xml::Element* history);
};

class History {
 public:
  struct Entry {
    xml::Element message;  // as reflected: from room@service/nick, no 'to'
    base::SystemTime at;
  };

  explicit History(std::size_t capacity) : capacity_(capacity) {}
  // Drops the oldest entries beyond the new capacity.
  void setCapacity(std::size_t capacity);
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  void add(xml::Element message, base::SystemTime at);
  // The newest entries that fit the request, oldest first.
  [[nodiscard]] std::vector<const Entry*> select(const HistoryRequest& request,
                                                 base::SystemTime now) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  std::size_t capacity_;
  std::deque<Entry> entries_;
};

}  // namespace keyfed::modules::muc
