// Archives of multi-user chat rooms (docs/muc.md, "Room archive"). Pages are
// range scans of muc_archive_by_room (room, seq), or with a filter of
// muc_archive_by_nick (room, nick, seq) / muc_archive_by_sender (room, sender, seq).
#include "archive_pages.hpp"
#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {
namespace {

std::string roomJid(std::string_view node, std::string_view service) {
  std::string jid(node);
  jid += '@';
  jid += service;
  return jid;
}

// The room's rows under the query's filter: ?1 room, ?4 sender, ?5 nick.
ArchiveScope roomScope(const std::string& room, const ArchiveQuery& q) {
  ArchiveScope scope;
  scope.withColumn = "sender";
  scope.table = "muc_archive";
  scope.where = " WHERE room = ?1";
  if (!q.withBare.empty()) scope.where += " AND sender = ?4";
  if (!q.withResource.empty()) scope.where += " AND nick = ?5";
  scope.where += " AND seq BETWEEN ?2 AND ?3";
  scope.bindFilter = [&room, &q](Stmt& stmt) {
    stmt.bind(1, room);
    if (!q.withBare.empty()) stmt.bind(4, q.withBare);
    if (!q.withResource.empty()) stmt.bind(5, q.withResource);
  };
  return scope;
}

}  // namespace

Result<std::size_t> SqliteMucArchive::append(std::span<const ArchiveRecord> records) {
  if (records.empty()) return std::size_t{0};
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  std::size_t stored = 0;
  for (const ArchiveRecord& r : records) {
    if (!checkArchiveRecord(r, limits_)) continue;
    const std::string room = roomJid(r.user, r.host);
    if (auto done = insertArchiveRow(*conn,
                                     "INSERT INTO muc_archive (seq, room, tag, sender, nick, "
                                     "stamp, stanza) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                     r, [&room](Stmt& s) { s.bind(2, room); });
        !done) {
      return errorOf(done);
    }
    ++stored;
  }
  if (auto r = tx->commit(); !r) return errorOf(r);
  return stored;
}

Result<ArchivePage> SqliteMucArchive::query(const ArchiveQuery& q) {
  if (auto r = checkAccountKey(q.user, q.host, limits_); !r) return errorOf(r);
  const std::string room = roomJid(q.user, q.host);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  return queryArchivePage(*conn, roomScope(room, q), q, limits_.archivePageRows);
}

Result<bool> SqliteMucArchive::contains(std::string_view room, std::int64_t seq,
                                        std::uint32_t tag) {
  auto conn = pool_.acquire();
  auto sel = conn->prepare("SELECT 1 FROM muc_archive WHERE seq = ?1 AND room = ?2 AND tag = ?3");
  if (!sel) return errorOf(sel);
  auto row = sel->bind(1, seq).bind(2, room).bind(3, static_cast<std::int64_t>(tag)).step();
  if (!row) return errorOf(row);
  return *row;
}

Result<std::size_t> SqliteMucArchive::removeOlderThan(base::SystemTime cutoff,
                                                      std::size_t maxRows) {
  auto conn = pool_.acquire();
  return expireArchiveRows(*conn, "muc_archive", cutoff, maxRows);
}

Result<std::size_t> SqliteMucArchive::removeRoom(std::string_view room, std::size_t maxRows) {
  auto conn = pool_.acquire();
  auto del = conn->prepare(
      "DELETE FROM muc_archive WHERE seq IN (SELECT seq FROM muc_archive WHERE room = ?1 "
      "ORDER BY seq LIMIT ?2)");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, room).bind(2, static_cast<std::int64_t>(maxRows)).run(); !r) {
    return errorOf(r);
  }
  return static_cast<std::size_t>(conn->changes());
}

Result<std::size_t> SqliteMucArchive::removeOrphans(std::string_view service, std::size_t maxRows) {
  auto conn = pool_.acquire();
  // The rooms of the service are the JIDs ending in '@service'; substr keeps
  // a LIKE pattern's wildcards in the domain from mattering.
  auto del = conn->prepare(
      "DELETE FROM muc_archive WHERE seq IN (SELECT seq FROM muc_archive "
      "WHERE substr(room, -length(?1)) = ?1 AND room NOT IN (SELECT jid FROM muc_rooms) "
      "LIMIT ?2)");
  if (!del) return errorOf(del);
  const std::string suffix = "@" + std::string(service);
  if (auto r = del->bind(1, suffix).bind(2, static_cast<std::int64_t>(maxRows)).run(); !r) {
    return errorOf(r);
  }
  return static_cast<std::size_t>(conn->changes());
}

Result<std::int64_t> SqliteMucArchive::lastSeq() {
  auto conn = pool_.acquire();
  return lastArchiveSeq(*conn, "muc_archive");
}

}  // namespace keyfed::storage::sqlite
