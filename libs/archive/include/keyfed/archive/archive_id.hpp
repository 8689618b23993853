#pragma once
// Archive ids (docs/mam.md, "Archive ids"): 20 characters of lowercase
// base32 (0-9, a-v; ASCII order is value order): 13 for the 64-bit sequence
// number (milliseconds << 20 | counter), which sorts by time, then 7 for a
// 32-bit random tag, so that an id cannot be derived from the time alone.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "keyfed/base/clock.hpp"

namespace keyfed::archive {

struct ArchiveId {
  std::int64_t seq = 0;
  std::uint32_t tag = 0;
  bool operator==(const ArchiveId&) const = default;
};

inline constexpr std::size_t kArchiveIdLength = 20;

std::string formatArchiveId(const ArchiveId& id);
// nullopt for anything formatArchiveId cannot have written.
std::optional<ArchiveId> parseArchiveId(std::string_view text);

// Hands out strictly increasing sequence numbers: the current millisecond
// shifted left by 20 bits, or the previous one plus one when the clock has not
// moved on (or went back).
class ArchiveIdGenerator {
 public:
  ArchiveIdGenerator();
  // The highest sequence number already stored: new ones start above it.
  void startAfter(std::int64_t seq);
  ArchiveId next(base::SystemTime now);

 private:
  std::int64_t last_ = 0;
  std::mt19937 random_;
};

}  // namespace keyfed::archive
