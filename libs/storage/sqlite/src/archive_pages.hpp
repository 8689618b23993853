#pragma once
// Internal: what the user archive (archive.cpp) and the room archive
// (muc_archive.cpp) share. Both tables are keyed by seq (the rowid, growing
// with time); a query is a range scan of one index of one owner's rows.

#include <functional>
#include <string>

#include "db.hpp"
#include "keyfed/storage/archive_types.hpp"

namespace keyfed::storage::sqlite {

std::int64_t archiveMicros(base::SystemTime t);
base::SystemTime archiveTimeFromMicros(std::int64_t us);

// One owner's rows of an archive table under a query's filters.
struct ArchiveScope {
  const char* table = "";
  const char* withColumn = "";  // read into ArchiveItem::withBare
  // " WHERE ... AND seq BETWEEN ?2 AND ?3": ?2 and ?3 are the seq bounds, the
  // other parameters (?1, ?4, ?5) are bound by bindFilter.
  std::string where;
  std::function<void(Stmt&)> bindFilter;
};

// One page of the scope (docs/mam.md, "Queries"): at most min(q.max,
// maxRows) items, the count, the completeness and the first index.
Result<ArchivePage> queryArchivePage(Connection& conn, const ArchiveScope& scope,
                                     const ArchiveQuery& q, std::size_t maxRows);

// Inserts one record into `table` (columns seq, OWNER, tag, WITH, RESOURCE,
// stamp, stanza, as `insertSql` names them); `owner` binds ?2.
Result<> insertArchiveRow(Connection& conn, const char* insertSql, const ArchiveRecord& r,
                          const std::function<void(Stmt&)>& owner);

// Retention: deletes up to maxRows rows older than `cutoff`, oldest first, in
// one transaction; returns how many. seq (the rowid) is never below its
// item's time (archive_types.hpp), so they are the rowids before
// archiveSeqAt(cutoff): a range of the table itself, whatever its size.
Result<std::size_t> expireArchiveRows(Connection& conn, const char* table, base::SystemTime cutoff,
                                      std::size_t maxRows);

// The highest seq of the table (0 when empty).
Result<std::int64_t> lastArchiveSeq(Connection& conn, const char* table);

}  // namespace keyfed::storage::sqlite
