#pragma once
// The server's side of XEP-0198 counting: stanzas written to the client and
// not yet acknowledged, in order, with the 32-bit counters of section 4
// (they wrap at 2^32).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::sm {

class UnackedQueue {
 public:
  // `sent` starts the counter elsewhere than 0 (tests of the wrap).
  explicit UnackedQueue(std::uint32_t sent = 0) : sent_(sent), acked_(sent) {}

  // A stanza was written to the client.
  void push(const xml::Element& stanza);
  // The client says it handled `h` stanzas since enabling (mod 2^32): the
  // ones up to h leave the queue. Fails (sm.handled-count-too-high) when h
  // counts more stanzas than were sent; nothing changes then.
  base::Result<void> ack(std::uint32_t h);

  [[nodiscard]] std::uint32_t sent() const { return sent_; }
  [[nodiscard]] std::uint32_t acked() const { return acked_; }
  [[nodiscard]] std::size_t size() const { return pending_.size(); }
  [[nodiscard]] bool empty() const { return pending_.empty(); }
  [[nodiscard]] const std::deque<xml::Element>& pending() const { return pending_; }
  // Empties the queue, handing over what was in it.
  std::deque<xml::Element> takeAll();

 private:
  std::deque<xml::Element> pending_;
  std::uint32_t sent_;
  std::uint32_t acked_;
};

// "123" -> 123; anything but a decimal number below 2^32 fails.
base::Result<std::uint32_t> parseCounter(std::string_view text);

}  // namespace keyfed::modules::sm
