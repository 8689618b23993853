// Dispatch by stanza kind, the room table, and persistent rooms.
#include "muc_service.hpp"

#include <string>

#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "muc_ns.hpp"
#include "room_archive.hpp"

namespace keyfed::modules::muc {

using xmpp::StanzaKind;

xml::Element userX(std::initializer_list<int> codes) {
  xml::Element x("x", std::string(ns::user));
  for (int code : codes) {
    x.addChild("status", std::string(ns::user)).setAttr("code", std::to_string(code));
  }
  return x;
}

MucService::MucService(server::Server& server, std::string domain, MucConfig config,
                       RoomArchive* archive)
    : server_(server), domain_(std::move(domain)), config_(std::move(config)), archive_(archive) {}

base::Result<void> MucService::loadRooms() {
  auto stored = server_.storage().mucRooms().rooms(domain_);
  if (!stored) return base::fail(stored.error());
  for (auto& s : *stored) {
    auto jid = xmpp::Jid::parse(s.jid);
    auto roomConfig = parseStoredConfig(s.config, bounds());
    if (!jid || jid->node().empty() || jid->domain() != domain_ || !roomConfig) {
      // One unreadable room must not keep the others (or the server) down.
      log_.error("skipping stored room {}: {}", s.jid,
                 !roomConfig ? roomConfig.error().describe() : "not a room of this service");
      continue;
    }
    auto room = std::make_unique<Room>(std::move(*jid), std::move(*roomConfig), config_.maxHistory);
    for (const auto& a : s.affiliations) {
      if (auto affiliation = parseAffiliation(a.affiliation))
        room->setAffiliation(a.jid, *affiliation);
    }
    rooms_.emplace(s.jid, std::move(room));
  }
  log_.info("{}: {} persistent rooms", domain_, rooms_.size());
  // Temporary rooms end with the server: what they archived goes too.
  if (archive_ != nullptr) archive_->removeOrphans(domain_);
  return {};
}

void MucService::handle(server::StanzaEvent& e) {
  const StanzaKind kind = xmpp::stanzaKind(e.stanza);
  if (kind != StanzaKind::iq && xmpp::stanzaType(e.stanza) == "error") {
    handleError(e);  // never answered (RFC 6120 8.3.1); may remove an occupant
    return;
  }
  switch (kind) {
    case StanzaKind::presence: handlePresence(e); return;
    case StanzaKind::message: handleMessage(e); return;
    case StanzaKind::iq: handleIq(e); return;
    case StanzaKind::other: return;
  }
}

void MucService::sessionEnded(const xmpp::Jid& fullJid) {
  if (!joined_.contains(fullJid.full())) return;
  xml::Element unavailable("presence", std::string(xmpp::ns::client));
  unavailable.setAttr("type", "unavailable");
  // Collected first: leaving may drop a room from rooms_.
  std::vector<std::pair<std::string, std::string>> seats;
  for (auto& [jid, room] : rooms_) {
    if (const Occupant* o = room->findByJid(fullJid.full())) seats.emplace_back(jid, o->nick);
  }
  for (const auto& [roomJid, nick] : seats) {
    if (Room* room = findRoom(roomJid)) leave(*room, nick, unavailable);
  }
}

Room* MucService::findRoom(std::string_view bareJid) {
  auto it = rooms_.find(bareJid);
  return it == rooms_.end() ? nullptr : it->second.get();
}

Room& MucService::createRoom(const xmpp::Jid& roomJid, const xmpp::Jid& owner) {
  RoomConfig c;
  c.maxUsers = config_.maxOccupants;
  c.historyLength = config_.defaultHistory;
  c.archiving = config_.archiveByDefault;
  c.name = std::string(roomJid.node());
  auto room = std::make_unique<Room>(roomJid.bare(), std::move(c), config_.maxHistory);
  room->lock();
  room->setAffiliation(std::string(owner.bareView()), Affiliation::owner);
  Room& ref = *room;
  rooms_.emplace(std::string(roomJid.bareView()), std::move(room));
  log_.info("room {} created by {}", roomJid.bareView(), owner.bareView());
  return ref;
}

void MucService::forgetIfUnused(Room& room) {
  if (!room.empty() || (room.config().persistent && !room.locked())) return;
  log_.info("room {} is empty and temporary: gone", room.jid().bareView());
  if (archive_ != nullptr) archive_->removeRoom(room.jid().bareView());
  rooms_.erase(std::string(room.jid().bareView()));
}

void MucService::persist(const Room& room) {
  if (!room.config().persistent || room.locked()) return;
  storage::StoredRoom stored;
  stored.jid = std::string(room.jid().bareView());
  stored.config = serializeConfig(room.config());
  stored.affiliations.reserve(room.affiliations().size());
  for (const auto& [jid, affiliation] : room.affiliations()) {
    stored.affiliations.push_back({jid, std::string(toString(affiliation))});
  }
  if (auto r = server_.storage().mucRooms().putRoom(domain_, stored); !r) {
    log_.error("storing room {}: {}", stored.jid, r.error().describe());
  }
}

void MucService::noteJoined(const xmpp::Jid& jid) {
  ++joined_[std::string(jid.full())];
}

void MucService::noteLeft(const xmpp::Jid& jid) {
  auto it = joined_.find(std::string(jid.full()));
  if (it != joined_.end() && --it->second == 0) joined_.erase(it);
}

}  // namespace keyfed::modules::muc
