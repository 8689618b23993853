#pragma once
// The archives of a MUC module's rooms (XEP-0313 for rooms, docs/muc.md,
// "Room archive"): ids and the batched writer thread of libs/archive, the
// same design as the user archive, over storage's MucArchiveStore. The loop
// thread hands messages over in O(1); queries flush the writer first.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/archive/archive_id.hpp"
#include "keyfed/archive/batch_writer.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/storage/stores.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::modules::muc {

class RoomArchive {
 public:
  // Rows a room deletion removes per transaction.
  static constexpr std::size_t kDeleteBatch = 5000;

  RoomArchive(storage::MucArchiveStore& store, const base::Clock& clock,
              archive::BatchWriter::Options options);
  // Starts the ids above what is stored and the writer thread.
  static base::Result<std::unique_ptr<RoomArchive>> open(storage::MucArchiveStore& store,
                                                         const base::Clock& clock,
                                                         std::chrono::hours retention);

  // Queues `message` (as the room broadcast it) of `room`, sent by the
  // occupant `nick` whose real bare JID is `senderBare`; returns its public
  // id, or nullopt when the writer's queue is full (counted and logged).
  std::optional<std::string> add(const xmpp::Jid& room, std::string_view senderBare,
                                 std::string_view nick, const xml::Element& message);
  // Every message queued before is committed when this returns.
  void flush() { writer_.flush(); }
  // Deletes the room's archive (after what waits for it is committed).
  void removeRoom(std::string_view roomJid);
  // Deletes what rooms of `service` that no longer exist left behind.
  void removeOrphans(std::string_view service);
  storage::MucArchiveStore& store() { return store_; }
  // Commits what waits and ends the writer thread.
  void stop() { writer_.stop(); }

 private:
  storage::MucArchiveStore& store_;
  const base::Clock& clock_;
  archive::ArchiveIdGenerator ids_;
  archive::BatchWriter writer_;
  std::uint64_t refusedLogged_ = 0;
  base::Logger log_{"muc"};
};

}  // namespace keyfed::modules::muc
