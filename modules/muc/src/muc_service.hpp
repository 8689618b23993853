#pragma once
// One MUC service (one component domain, e.g. conference.example.org): its
// rooms, and the stanzas addressed to it. The Room class decides what is
// allowed; this class turns stanzas into room changes and room changes into
// the presence and messages XEP-0045 prescribes.
//
// Source files: muc_service.cpp (dispatch, rooms, persistence),
// occupants.cpp (join, presence, nick change, leave), messages.cpp
// (groupchat, subject, private messages, invitations), admin.cpp
// (muc#admin, muc#owner, destroy), service_iq.cpp (disco, XEP-0410
// self-ping, iqs between occupants).

#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "keyfed/base/log.hpp"
#include "keyfed/modules/muc_config.hpp"
#include "keyfed/server/server.hpp"
#include "room.hpp"

namespace keyfed::modules::muc {

class RoomArchive;

class MucService {
 public:
  // `archive` (may be null: nothing archived) is shared by the module's services.
  MucService(server::Server& server, std::string domain, MucConfig config, RoomArchive* archive);

  [[nodiscard]] const std::string& domain() const { return domain_; }
  [[nodiscard]] std::size_t roomCount() const { return rooms_.size(); }
  // Reads the persistent rooms of this service from storage.
  base::Result<void> loadRooms();
  // Every stanza addressed to the service, its rooms and their occupants.
  void handle(server::StanzaEvent& e);
  // A client session ended: it leaves every room it was in.
  void sessionEnded(const xmpp::Jid& fullJid);

 private:
  using Codes = std::initializer_list<int>;

  // muc_service.cpp
  Room* findRoom(std::string_view bareJid);
  // A room in memory: created by a join (locked, `owner` its owner).
  Room& createRoom(const xmpp::Jid& roomJid, const xmpp::Jid& owner);
  // Drops a temporary room once its last occupant has left (with its archive).
  void forgetIfUnused(Room& room);
  void persist(const Room& room);
  [[nodiscard]] ConfigBounds bounds() const {
    return {config_.maxOccupants, config_.maxHistory, config_.archiveByDefault};
  }
  void noteJoined(const xmpp::Jid& jid);
  void noteLeft(const xmpp::Jid& jid);

  // occupants.cpp
  void handlePresence(server::StanzaEvent& e);
  void join(server::StanzaEvent& e, const xml::Element& mucJoin);
  void changeNick(server::StanzaEvent& e, Room& room, Occupant& occupant);
  void leave(Room& room, const std::string& nick, const xml::Element& unavailable);
  // Removes an occupant against its will (kick 307, ban 301, membership
  // lost 321, an error 333); `actor` and `reason` go into the item when not
  // empty. The removed occupant is told too, except after an error (its
  // server just refused the room's traffic).
  void expel(Room& room, const std::string& nick, int code, std::string_view actor,
             std::string_view reason);
  // Sends every occupant `occupant`'s presence (the occupant itself with 110).
  void broadcastPresence(Room& room, const Occupant& occupant, Codes selfCodes = {});
  xml::Element presenceOf(const Room& room, const Occupant& occupant, const Occupant& viewer,
                          Codes codes) const;

  // occupant_errors.cpp: a message or presence error from an occupant's real
  // JID says its server or client no longer takes the room's traffic: the
  // occupant is removed (XEP-0045 status 333), so that no ghost stays.
  void handleError(server::StanzaEvent& e);

  // messages.cpp
  void handleMessage(server::StanzaEvent& e);
  void groupchat(server::StanzaEvent& e, Room& room);
  void changeSubject(server::StanzaEvent& e, Room& room, Occupant& occupant,
                     const xml::Element& subject);
  void privateMessage(server::StanzaEvent& e, Room& room);
  void invite(server::StanzaEvent& e, Room& room, const xml::Element& invitation);
  void sendSubject(const Room& room, const xmpp::Jid& to);
  void sendHistory(const Room& room, const xmpp::Jid& to, const xml::Element* request);

  // admin.cpp
  void adminGet(server::StanzaEvent& e, Room& room, const xml::Element& query);
  void adminSet(server::StanzaEvent& e, Room& room, const xml::Element& query);
  void ownerGet(server::StanzaEvent& e, Room& room);
  void ownerSet(server::StanzaEvent& e, Room& room, const xml::Element& query);
  void destroy(Room& room, const xml::Element* destroy);
  // After an affiliation change: the occupants of that bare JID get their
  // new role, or leave (banned; no longer a member of a members-only room).
  void applyAffiliation(Room& room, std::string_view bareJid, std::string_view actor,
                        std::string_view reason);

  // service_iq.cpp
  void handleIq(server::StanzaEvent& e);
  void serviceIq(server::StanzaEvent& e);
  void roomIq(server::StanzaEvent& e, Room& room);
  void occupantIq(server::StanzaEvent& e, Room& room);
  void roomInfo(server::StanzaEvent& e, const Room& room);
  // Sends a stanza from occupant `from` to the occupant named by e.to,
  // addressed from the sender's occupant JID (XEP-0045 7.5, iqs 7.?).
  void relay(server::StanzaEvent& e, Room& room, const Occupant& from);

  // archive_query.cpp (XEP-0313 for rooms)
  void archiveIq(server::StanzaEvent& e, Room& room, const xml::Element& query);
  // Whether `who` may read the room's archive (service-unavailable when it
  // keeps none; forbidden for outcasts, non-members of members-only rooms and
  // outsiders of password-protected rooms).
  [[nodiscard]] Refusal mayReadArchive(const Room& room, const xmpp::Jid& who) const;
  // Whether `who` may see real JIDs in it (non-anonymous room, admins and
  // owners, occupants who are moderators).
  [[nodiscard]] bool seesRealJids(const Room& room, const xmpp::Jid& who) const;

  server::Server& server_;
  std::string domain_;
  MucConfig config_;
  RoomArchive* archive_;
  std::map<std::string, std::unique_ptr<Room>, std::less<>> rooms_;
  // How many rooms each real full JID is in: a session that ends without
  // being in any room costs one lookup.
  std::unordered_map<std::string, std::size_t> joined_;
  base::Logger log_{"muc"};
};

// XEP-0045 status 333: removed because of an error from the occupant's address.
inline constexpr int kStatusRemovedOnError = 333;

// <x xmlns='...muc#user'> with the given status codes.
xml::Element userX(std::initializer_list<int> codes = {});

}  // namespace keyfed::modules::muc
