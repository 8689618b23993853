#include "room_archive.hpp"

#include "keyfed/xml/writer.hpp"

namespace keyfed::modules::muc {

RoomArchive::RoomArchive(storage::MucArchiveStore& store, const base::Clock& clock,
                         archive::BatchWriter::Options options)
    : store_(store), clock_(clock), writer_(store, clock, std::move(options)) {}

base::Result<std::unique_ptr<RoomArchive>> RoomArchive::open(storage::MucArchiveStore& store,
                                                             const base::Clock& clock,
                                                             std::chrono::hours retention) {
  auto last = store.lastSeq();
  if (!last) return base::fail(std::move(last).error());
  archive::BatchWriter::Options options;  // the user archive's defaults (docs/mam.md)
  options.retention = retention;
  options.logName = "muc";
  auto out = std::make_unique<RoomArchive>(store, clock, std::move(options));
  out->ids_.startAfter(*last);
  return out;
}

std::optional<std::string> RoomArchive::add(const xmpp::Jid& room, std::string_view senderBare,
                                            std::string_view nick, const xml::Element& message) {
  const auto now = clock_.now();
  const archive::ArchiveId id = ids_.next(now);
  storage::ArchiveRecord record;
  record.user = room.node();
  record.host = room.domain();
  record.seq = id.seq;
  record.tag = id.tag;
  record.withBare = senderBare;
  record.withResource = nick;
  record.stamp = now;
  record.stanza = xml::toString(message);
  if (!writer_.enqueue(std::move(record))) {
    // Never silent, but a flood does not flood the log either.
    if (refusedLogged_++ % 1000 == 0) {
      log_.warn("room archive queue full: a message of {} was delivered but not archived",
                room.bareView());
    }
    return std::nullopt;
  }
  return archive::formatArchiveId(id);
}

void RoomArchive::removeRoom(std::string_view roomJid) {
  writer_.flush();  // nothing of the room may be committed after the deletion
  for (;;) {
    auto removed = store_.removeRoom(roomJid, kDeleteBatch);
    if (!removed) {
      log_.error("deleting the archive of {}: {}", roomJid, removed.error().describe());
      return;
    }
    if (*removed < kDeleteBatch) return;
  }
}

void RoomArchive::removeOrphans(std::string_view service) {
  std::size_t total = 0;
  for (;;) {
    auto removed = store_.removeOrphans(service, kDeleteBatch);
    if (!removed) {
      log_.error("deleting archives of rooms of {} that are gone: {}", service,
                 removed.error().describe());
      return;
    }
    total += *removed;
    if (*removed < kDeleteBatch) break;
  }
  if (total > 0)
    log_.info("{}: deleted {} archived messages of rooms that are gone", service, total);
}

}  // namespace keyfed::modules::muc
