#include "keyfed/archive/archive_id.hpp"

#include <algorithm>

#include "keyfed/storage/archive_types.hpp"

namespace keyfed::archive {
namespace {

constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuv";
constexpr std::size_t kSeqDigits = 13;  // 65 bits
constexpr std::size_t kTagDigits = 7;   // 35 bits

void appendBase32(std::uint64_t value, std::size_t digits, std::string& out) {
  for (std::size_t i = digits; i-- > 0;) out += kDigits[(value >> (5 * i)) & 31U];
}

std::optional<std::uint64_t> readBase32(std::string_view text) {
  std::uint64_t value = 0;
  for (char c : text) {
    std::uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'v') {
      digit = static_cast<std::uint64_t>(c - 'a') + 10;
    } else {
      return std::nullopt;
    }
    value = (value << 5) | digit;
  }
  return value;
}

}  // namespace

std::string formatArchiveId(const ArchiveId& id) {
  std::string out;
  out.reserve(kArchiveIdLength);
  appendBase32(static_cast<std::uint64_t>(id.seq), kSeqDigits, out);
  appendBase32(id.tag, kTagDigits, out);
  return out;
}

std::optional<ArchiveId> parseArchiveId(std::string_view text) {
  if (text.size() != kArchiveIdLength) return std::nullopt;
  // The first digit holds bits 60-64: above 7 the value would not fit an int64.
  if (text.front() < '0' || text.front() > '7') return std::nullopt;
  const auto seq = readBase32(text.substr(0, kSeqDigits));
  const auto tag = readBase32(text.substr(kSeqDigits));
  if (!seq || !tag || *seq == 0 || *tag > UINT32_MAX) return std::nullopt;
  return ArchiveId{static_cast<std::int64_t>(*seq), static_cast<std::uint32_t>(*tag)};
}

ArchiveIdGenerator::ArchiveIdGenerator() : random_(std::random_device{}()) {}

void ArchiveIdGenerator::startAfter(std::int64_t seq) {
  last_ = std::max(last_, seq);
}

ArchiveId ArchiveIdGenerator::next(base::SystemTime now) {
  last_ = std::max(last_ + 1, storage::archiveSeqAt(now));
  return ArchiveId{last_, static_cast<std::uint32_t>(random_())};
}

}  // namespace keyfed::archive
