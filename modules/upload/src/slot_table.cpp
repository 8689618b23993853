#include "slot_table.hpp"

#include "upload_path.hpp"

namespace keyfed::modules::upload {

std::optional<std::string> SlotTable::add(Slot slot, base::SteadyTime now) {
  prune(now);
  if (slots_.size() >= kMaxSlots || heldBy(slot.owner, now) >= maxPerOwner_) return std::nullopt;
  std::string token = newToken();
  slots_.emplace(token, std::move(slot));
  return token;
}

const Slot* SlotTable::find(std::string_view token, base::SteadyTime now) const {
  const auto it = slots_.find(std::string(token));
  if (it == slots_.end() || it->second.expires <= now) return nullptr;
  return &it->second;
}

std::optional<Slot> SlotTable::take(std::string_view token, base::SteadyTime now) {
  const auto it = slots_.find(std::string(token));
  if (it == slots_.end() || it->second.expires <= now) return std::nullopt;
  Slot slot = std::move(it->second);
  slots_.erase(it);
  return slot;
}

void SlotTable::prune(base::SteadyTime now) {
  std::erase_if(slots_, [now](const auto& entry) { return entry.second.expires <= now; });
}

std::size_t SlotTable::heldBy(std::string_view owner, base::SteadyTime now) const {
  std::size_t n = 0;
  for (const auto& [token, slot] : slots_) {
    if (slot.owner == owner && slot.expires > now) ++n;
  }
  return n;
}

std::uint64_t SlotTable::reservedBy(std::string_view owner, base::SteadyTime now) const {
  std::uint64_t bytes = 0;
  for (const auto& [token, slot] : slots_) {
    if (slot.owner == owner && slot.expires > now) bytes += slot.size;
  }
  return bytes;
}

}  // namespace keyfed::modules::upload
