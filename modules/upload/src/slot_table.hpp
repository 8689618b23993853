#pragma once
// Upload slots handed out and not yet used (XEP-0363 section 4): each says
// who may PUT how many bytes of which file and until when. Bounded per user;
// the bytes they reserve count toward the user's quota until they are used
// or expire.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "keyfed/base/clock.hpp"

namespace keyfed::modules::upload {

struct Slot {
  std::string owner;  // bare JID
  std::string filename;
  std::uint64_t size = 0;
  std::string contentType;  // "" when the request named none
  base::SteadyTime expires;
};

// Slot requests are rare next to stanzas, and the table is bounded in total,
// so counting an owner's slots scans it rather than keeping a second index.
class SlotTable {
 public:
  static constexpr std::size_t kMaxSlots = 10000;

  explicit SlotTable(std::size_t maxPerOwner) : maxPerOwner_(maxPerOwner) {}

  // Adds the slot under a new token; nullopt when its owner already holds the
  // maximum of pending slots, or the table is full.
  std::optional<std::string> add(Slot slot, base::SteadyTime now);
  // The live slot for a token; nullptr when unknown or expired.
  [[nodiscard]] const Slot* find(std::string_view token, base::SteadyTime now) const;
  // Removes and returns the live slot (a slot is used once).
  std::optional<Slot> take(std::string_view token, base::SteadyTime now);
  // Forgets expired slots.
  void prune(base::SteadyTime now);

  // Bytes the owner's live slots reserve.
  [[nodiscard]] std::uint64_t reservedBy(std::string_view owner, base::SteadyTime now) const;
  [[nodiscard]] std::size_t size() const { return slots_.size(); }

 private:
  [[nodiscard]] std::size_t heldBy(std::string_view owner, base::SteadyTime now) const;

  std::size_t maxPerOwner_;
  std::unordered_map<std::string, Slot> slots_;
};

}  // namespace keyfed::modules::upload
