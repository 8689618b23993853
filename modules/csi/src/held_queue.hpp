#pragma once
// The stanzas held for an inactive client, in arrival order, at most one
// presence and one chat state per sender's full JID (the newest), and at most
// `capacity` in all.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "keyfed/xml/element.hpp"
#include "treatment.hpp"

namespace keyfed::modules::csi {

class HeldQueue {
 public:
  explicit HeldQueue(std::size_t capacity) : capacity_(capacity) {}

  // Holds a presence or chat state, replacing an older one of the same kind
  // from the same sender. False when the queue is full (nothing was held).
  bool hold(Treatment treatment, const xml::Element& stanza);
  // Hands every held stanza to `deliver`, oldest first, and empties the queue.
  void flush(const std::function<void(const xml::Element&)>& deliver);

  [[nodiscard]] std::size_t size() const { return held_.size(); }
  [[nodiscard]] bool empty() const { return held_.empty(); }

 private:
  struct Held {
    Treatment treatment;
    std::string from;
    xml::Element stanza;
  };
  std::vector<Held> held_;
  std::size_t capacity_;
};

}  // namespace keyfed::modules::csi
