#include "srv_order.hpp"

#include <algorithm>
#include <cstddef>

namespace keyfed::net {

namespace {

// One RFC 2782 weighted permutation of records that share priority and service.
void appendWeighted(std::vector<SrvRecord> group, std::mt19937& rng, std::vector<SrvRecord>& out) {
  // "arrange all SRV RRs (that have not been ordered yet) in any order, except
  // that all those with weight 0 are placed at the beginning of the list."
  std::stable_partition(group.begin(), group.end(),
                        [](const SrvRecord& r) { return r.weight == 0; });
  while (!group.empty()) {
    std::uint64_t sum = 0;
    for (const auto& r : group) sum += r.weight;
    // A number in [0, sum]; the modulo bias is below 2^-15 for 16-bit weights.
    const std::uint64_t pick = static_cast<std::uint64_t>(rng()) % (sum + 1);
    std::uint64_t running = 0;
    std::size_t chosen = group.size() - 1;
    for (std::size_t i = 0; i < group.size(); ++i) {
      running += group[i].weight;
      if (running >= pick) {
        chosen = i;
        break;
      }
    }
    out.push_back(std::move(group[chosen]));
    group.erase(group.begin() + static_cast<std::ptrdiff_t>(chosen));
  }
}

}  // namespace

std::vector<SrvRecord> orderSrvRecords(std::vector<SrvRecord> records, std::mt19937& rng) {
  std::stable_sort(records.begin(), records.end(), [](const SrvRecord& a, const SrvRecord& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.directTls && !b.directTls;
  });
  std::vector<SrvRecord> ordered;
  ordered.reserve(records.size());
  auto begin = records.begin();
  while (begin != records.end()) {
    auto end = std::find_if(begin, records.end(), [&](const SrvRecord& r) {
      return r.priority != begin->priority || r.directTls != begin->directTls;
    });
    appendWeighted(
        std::vector<SrvRecord>(std::make_move_iterator(begin), std::make_move_iterator(end)), rng,
        ordered);
    begin = end;
  }
  return ordered;
}

}  // namespace keyfed::net
