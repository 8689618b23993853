// Persistent multi-user chat rooms: configuration and affiliation lists.

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {

Result<std::vector<StoredRoom>> SqliteMucRooms::rooms(std::string_view service) {
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto stmt = conn->prepare("SELECT jid, config FROM muc_rooms WHERE service = ?1 ORDER BY jid");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, service);
  std::vector<StoredRoom> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    out.push_back(StoredRoom{stmt->text(0), stmt->text(1), {}});
  }
  for (auto& room : out) {
    // The cached statement is reset when `affs` goes out of scope.
    auto affs =
        conn->prepare("SELECT jid, affiliation FROM muc_affiliations WHERE room = ?1 ORDER BY jid");
    if (!affs) return errorOf(affs);
    affs->bind(1, room.jid);
    for (;;) {
      auto row = affs->step();
      if (!row) return errorOf(row);
      if (!*row) break;
      room.affiliations.push_back(RoomAffiliation{affs->text(0), affs->text(1)});
    }
  }
  return out;
}

Result<> SqliteMucRooms::putRoom(std::string_view service, const StoredRoom& room) {
  if (auto r = checkStoredRoom(service, room, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  {
    auto exists = conn->prepare("SELECT 1 FROM muc_rooms WHERE jid = ?1");
    if (!exists) return errorOf(exists);
    auto found = exists->bind(1, room.jid).step();
    if (!found) return errorOf(found);
    if (!*found) {
      auto count = conn->prepare("SELECT count(*) FROM muc_rooms");
      if (!count) return errorOf(count);
      auto held = count->step();
      if (!held) return errorOf(held);
      if (static_cast<std::size_t>(count->int64(0)) >= limits_.mucRooms) {
        return base::fail(errc::kQuota, "at most " + std::to_string(limits_.mucRooms) +
                                            " persistent rooms are allowed");
      }
    }
  }
  auto put = conn->prepare(
      "INSERT INTO muc_rooms (jid, service, config) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (jid) DO UPDATE SET service = excluded.service, config = excluded.config");
  if (!put) return errorOf(put);
  if (auto r = put->bind(1, room.jid).bind(2, service).bind(3, room.config).run(); !r) {
    return errorOf(r);
  }
  auto clear = conn->prepare("DELETE FROM muc_affiliations WHERE room = ?1");
  if (!clear) return errorOf(clear);
  if (auto r = clear->bind(1, room.jid).run(); !r) return errorOf(r);
  for (const auto& a : room.affiliations) {
    auto ins = conn->prepare(
        "INSERT OR REPLACE INTO muc_affiliations (room, jid, affiliation) VALUES (?1, ?2, ?3)");
    if (!ins) return errorOf(ins);
    if (auto r = ins->bind(1, room.jid).bind(2, a.jid).bind(3, a.affiliation).run(); !r) {
      return errorOf(r);
    }
  }
  return tx->commit();
}

Result<bool> SqliteMucRooms::removeRoom(std::string_view jid) {
  auto conn = pool_.acquire();
  auto del = conn->prepare("DELETE FROM muc_rooms WHERE jid = ?1");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, jid).run(); !r) return errorOf(r);
  return sqlite3_changes(conn->handle()) > 0;
}

}  // namespace keyfed::storage::sqlite
