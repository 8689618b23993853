#include "attributes.hpp"

#include <utility>

namespace keynote::detail {

// Returns the slot holding `name`, or slots_.size() when absent.
std::size_t AttributeTable::probe(std::string_view name, std::uint64_t hash) const {
  if (slots_.empty()) return 0;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask, n = 0; n < slots_.size(); i = (i + 1) & mask, ++n) {
    const Slot& s = slots_[i];
    if (s.state == State::Empty) return slots_.size();
    if (s.state == State::Used && s.hash == hash && s.name == name) return i;
  }
  return slots_.size();
}

const std::string* AttributeTable::find(std::string_view name, std::uint64_t hash) const {
  std::size_t i = probe(name, hash);
  return i < slots_.size() ? &slots_[i].value : nullptr;
}

void AttributeTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
  size_ = 0;
  deleted_ = 0;
  const std::size_t mask = slots_.size() - 1;
  for (Slot& s : old) {
    if (s.state != State::Used) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].state == State::Used) i = (i + 1) & mask;
    slots_[i] = std::move(s);
    ++size_;
  }
}

void AttributeTable::set(std::string_view name, std::string_view value) {
  const std::uint64_t hash = attributeHash(name);
  std::size_t i = probe(name, hash);
  if (i < slots_.size()) {
    slots_[i].value.assign(value);
    return;
  }
  if ((size_ + deleted_ + 1) * 4 > slots_.size() * 3) grow();
  const std::size_t mask = slots_.size() - 1;
  i = hash & mask;
  while (slots_[i].state == State::Used) i = (i + 1) & mask;
  if (slots_[i].state == State::Deleted) --deleted_;
  slots_[i].state = State::Used;
  slots_[i].hash = hash;
  slots_[i].name.assign(name);
  slots_[i].value.assign(value);
  ++size_;
}

bool AttributeTable::erase(std::string_view name) {
  std::size_t i = probe(name, attributeHash(name));
  if (i >= slots_.size()) return false;
  slots_[i].state = State::Deleted;
  slots_[i].name.clear();
  slots_[i].value.clear();
  --size_;
  ++deleted_;
  return true;
}

void AttributeTable::clear() {
  slots_.clear();
  size_ = 0;
  deleted_ = 0;
}

}  // namespace keynote::detail
