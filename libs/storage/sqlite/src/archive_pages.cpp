// Paging over an archive table (docs/mam.md, "Queries" and "Indexes"): every
// page, count and first index is a range scan of one index, whatever the
// size of the table.
#include "archive_pages.hpp"

#include <algorithm>
#include <limits>

namespace keyfed::storage::sqlite {
namespace {

Result<std::uint64_t> countRange(Connection& conn, const ArchiveScope& scope, std::int64_t low,
                                 std::int64_t high) {
  if (low > high) return std::uint64_t{0};
  auto stmt = conn.prepare(std::string("SELECT count(*) FROM ") + scope.table + scope.where);
  if (!stmt) return errorOf(stmt);
  scope.bindFilter(*stmt);
  stmt->bind(2, low).bind(3, high);
  auto row = stmt->step();
  if (!row) return errorOf(row);
  return static_cast<std::uint64_t>(stmt->int64(0));
}

}  // namespace

std::int64_t archiveMicros(base::SystemTime t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

base::SystemTime archiveTimeFromMicros(std::int64_t us) {
  return base::SystemTime{
      std::chrono::duration_cast<base::SystemTime::duration>(std::chrono::microseconds{us})};
}

Result<ArchivePage> queryArchivePage(Connection& conn, const ArchiveScope& scope,
                                     const ArchiveQuery& q, std::size_t maxRows) {
  ArchivePage page;
  auto total = countRange(conn, scope, q.minSeq, q.maxSeq);
  if (!total) return errorOf(total);
  page.count = *total;

  // after/before are exclusive bounds inside [minSeq, maxSeq].
  std::int64_t low = q.minSeq;
  std::int64_t high = q.maxSeq;
  if (q.afterSeq) {
    if (*q.afterSeq == std::numeric_limits<std::int64_t>::max()) return page;
    low = std::max(low, *q.afterSeq + 1);
  }
  if (q.beforeSeq) {
    if (*q.beforeSeq <= 0) return page;
    high = std::min(high, *q.beforeSeq - 1);
  }
  if (low > high) return page;  // nothing beyond the bound
  const std::size_t max = std::min(q.max, maxRows);

  const bool backwards = q.fromEnd || q.beforeSeq.has_value();
  auto sel = conn.prepare(std::string("SELECT seq, tag, stamp, stanza, ") + scope.withColumn +
                          " FROM " + scope.table + scope.where +
                          (backwards ? " ORDER BY seq DESC" : " ORDER BY seq") + " LIMIT ?6");
  if (!sel) return errorOf(sel);
  scope.bindFilter(*sel);
  sel->bind(2, low).bind(3, high);
  // One row more than the page tells whether the page is the last one.
  sel->bind(6, static_cast<std::int64_t>(max) + 1);
  for (;;) {
    auto row = sel->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    if (page.items.size() == max) {
      page.complete = false;
      break;
    }
    page.items.push_back(ArchiveItem{sel->int64(0), static_cast<std::uint32_t>(sel->int64(1)),
                                     archiveTimeFromMicros(sel->int64(2)), sel->text(3),
                                     sel->text(4)});
  }
  if (backwards) std::reverse(page.items.begin(), page.items.end());
  if (!page.items.empty()) {
    // The page's position: count the items on the side it was paged from,
    // which is the short side for the common pages (the first ones forward,
    // the last ones backward): counting 100,000 index entries costs ~8 ms.
    if (backwards) {
      auto after = countRange(conn, scope, page.items.back().seq + 1, q.maxSeq);
      if (!after) return errorOf(after);
      page.firstIndex = page.count - *after - page.items.size();
    } else {
      auto before = countRange(conn, scope, q.minSeq, page.items.front().seq - 1);
      if (!before) return errorOf(before);
      page.firstIndex = *before;
    }
  }
  return page;
}

Result<> insertArchiveRow(Connection& conn, const char* insertSql, const ArchiveRecord& r,
                          const std::function<void(Stmt&)>& owner) {
  auto ins = conn.prepare(insertSql);
  if (!ins) return errorOf(ins);
  owner(*ins);
  return ins->bind(1, r.seq)
      .bind(3, static_cast<std::int64_t>(r.tag))
      .bind(4, r.withBare)
      .bind(5, r.withResource)
      .bind(6, archiveMicros(r.stamp))
      .bind(7, r.stanza)
      .run();
}

Result<std::size_t> expireArchiveRows(Connection& conn, const char* table, base::SystemTime cutoff,
                                      std::size_t maxRows) {
  auto tx = Transaction::begin(conn);
  if (!tx) return errorOf(tx);
  auto del = conn.prepare(std::string("DELETE FROM ") + table + " WHERE seq IN (SELECT seq FROM " +
                          table + " WHERE seq < ?1 ORDER BY seq LIMIT ?2)");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, archiveSeqAt(cutoff)).bind(2, static_cast<std::int64_t>(maxRows)).run();
      !r) {
    return errorOf(r);
  }
  const auto removed = static_cast<std::size_t>(conn.changes());
  if (auto r = tx->commit(); !r) return errorOf(r);
  return removed;
}

Result<std::int64_t> lastArchiveSeq(Connection& conn, const char* table) {
  auto sel = conn.prepare(std::string("SELECT coalesce(max(seq), 0) FROM ") + table);
  if (!sel) return errorOf(sel);
  auto row = sel->step();
  if (!row) return errorOf(row);
  return sel->int64(0);
}

}  // namespace keyfed::storage::sqlite
