#pragma once
// Value types of the message archive (XEP-0313, docs/mam.md). Items are keyed
// by a 64-bit sequence number that grows with time (the module assigns it:
// milliseconds since the epoch shifted left by 20 bits, plus a counter), so a
// range of sequence numbers is also a range of time, and one index serves
// paging and the start/end filters alike.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "keyfed/base/clock.hpp"

namespace keyfed::storage {

inline constexpr int kArchiveSeqCounterBits = 20;

// The smallest sequence number given at or after `t`: a time bound as a seq bound.
constexpr std::int64_t archiveSeqAt(base::SystemTime t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return ms <= 0 ? 0 : ms << kArchiveSeqCounterBits;
}

// One message in one account's archive.
struct ArchiveRecord {
  std::string user;  // the owner (a local account)
  std::string host;
  std::int64_t seq = 0;      // unique over the whole archive, grows with time
  std::uint32_t tag = 0;     // random part of the public id (docs/mam.md)
  std::string withBare;      // the other party's bare JID
  std::string withResource;  // and resource ('' when the message had none)
  base::SystemTime stamp;    // when the server accepted it (microsecond precision)
  std::string stanza;        // the serialized original <message/>
};

// One page of a query. Bounds are inclusive sequence numbers; the RSM
// after/before ids arrive here as exclusive bounds.
struct ArchiveQuery {
  std::string user;
  std::string host;
  std::string withBare;      // '' matches every conversation
  std::string withResource;  // '' matches every resource of withBare
  std::int64_t minSeq = 0;
  std::int64_t maxSeq = std::numeric_limits<std::int64_t>::max();
  std::optional<std::int64_t> afterSeq;
  std::optional<std::int64_t> beforeSeq;
  std::size_t max = 0;   // items on the page (0: only the count)
  bool fromEnd = false;  // page backwards from the end (RSM <before/>)
};

struct ArchiveItem {
  std::int64_t seq = 0;
  std::uint32_t tag = 0;
  base::SystemTime stamp;
  std::string stanza;
  // The record's withBare: the other party (user archive), the sender's real
  // bare JID (room archive).
  std::string withBare;
};

struct ArchivePage {
  std::vector<ArchiveItem> items;  // in time order, whichever way the page was taken
  // No further item beyond the page in the direction of paging (XEP-0313 <fin complete/>).
  bool complete = true;
  std::uint64_t count = 0;       // items matching the filters, ignoring after/before
  std::uint64_t firstIndex = 0;  // position of items.front() in that set (RSM index)
};

// XEP-0313 section 7 preferences.
enum class ArchiveDefault { always, never, roster };

struct ArchivePrefs {
  ArchiveDefault defaultMode = ArchiveDefault::always;
  std::vector<std::string> always;  // bare JIDs, sorted, without duplicates
  std::vector<std::string> never;

  bool operator==(const ArchivePrefs&) const = default;
};

}  // namespace keyfed::storage
