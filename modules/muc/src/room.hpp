#pragma once
// One room's state and XEP-0045's rules over it, without any I/O: who may
// join (7.2), who may change whose role (5.1, 8) and affiliation (5.2, 9,
// 10), who may speak or change the subject. The service turns the answers
// into stanzas.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "room_config.hpp"

namespace keyfed::modules::muc {

// Ordered: a higher value is more privileged.
enum class Affiliation { outcast, none, member, admin, owner };
enum class Role { none, visitor, participant, moderator };

std::string_view toString(Affiliation a);
std::string_view toString(Role r);
std::optional<Affiliation> parseAffiliation(std::string_view text);
std::optional<Role> parseRole(std::string_view text);

struct Occupant {
  std::string nick;
  xmpp::Jid jid;  // the real full JID
  Role role = Role::participant;
  // The occupant's last presence (show, status, ...) as it sent it; what the
  // room broadcasts is built from it.
  xml::Element presence;
};

// Why an action is refused; nullopt from a check means "allowed".
using Refusal = std::optional<xmpp::StanzaErrorCondition>;

class Room {
 public:
  Room(xmpp::Jid jid, RoomConfig config, std::size_t historyCapacity);

  [[nodiscard]] const xmpp::Jid& jid() const { return jid_; }
  [[nodiscard]] const RoomConfig& config() const { return config_; }
  void setConfig(RoomConfig config);
  // A new room stays locked until its owner accepts or submits the
  // configuration (XEP-0045 10.1.2-10.1.3): nobody else may join it.
  [[nodiscard]] bool locked() const { return locked_; }
  void unlock() { locked_ = false; }
  void lock() { locked_ = true; }

  // Affiliations, by bare JID.
  [[nodiscard]] Affiliation affiliationOf(std::string_view bareJid) const;
  void setAffiliation(const std::string& bareJid, Affiliation affiliation);
  [[nodiscard]] std::vector<std::string> withAffiliation(Affiliation affiliation) const;
  [[nodiscard]] const std::map<std::string, Affiliation, std::less<>>& affiliations() const {
    return affiliations_;
  }
  [[nodiscard]] std::size_t ownerCount() const;

  // Occupants, in join order.
  [[nodiscard]] const std::vector<Occupant>& occupants() const { return occupants_; }
  [[nodiscard]] bool empty() const { return occupants_.empty(); }
  [[nodiscard]] Occupant* findByNick(std::string_view nick);
  [[nodiscard]] Occupant* findByJid(std::string_view fullJid);
  [[nodiscard]] Affiliation affiliationOf(const Occupant& o) const {
    return affiliationOf(o.jid.bareView());
  }
  // The role an entity with this affiliation gets on joining.
  [[nodiscard]] Role defaultRole(Affiliation affiliation) const;

  // XEP-0045 7.2: may `who` enter as `nick` with `password`? Checks, in the
  // order of the XEP: banned (forbidden), locked and not the owner
  // (item-not-found), members-only (registration-required), nickname taken by
  // someone else (conflict), password (not-authorized), full
  // (service-unavailable; admins and owners still enter).
  [[nodiscard]] Refusal mayJoin(const xmpp::Jid& who, std::string_view nick,
                                std::string_view password) const;
  Occupant& addOccupant(std::string nick, xmpp::Jid jid, xml::Element presence);
  void removeOccupant(std::string_view nick);
  // Renames an occupant (its nickname must be free: see mayJoin).
  void renameOccupant(Occupant& occupant, std::string nick) { occupant.nick = std::move(nick); }

  // Whether `viewer` may see the real JIDs of the occupants.
  [[nodiscard]] bool showsRealJids(const Occupant& viewer) const {
    return config_.whois == Whois::anyone || viewer.role == Role::moderator;
  }
  [[nodiscard]] Refusal maySpeak(const Occupant& o) const;
  [[nodiscard]] Refusal mayChangeSubject(const Occupant& o) const;
  // XEP-0045 8 (kick, voice) and 9.6 (moderator): `actor` gives `target` `role`.
  [[nodiscard]] Refusal maySetRole(const Occupant& actor, const Occupant& target, Role role) const;
  // XEP-0045 9 and 10: an actor with affiliation `actor` changes `targetJid`
  // to `affiliation`. Owners give and take any affiliation (but the last
  // owner may not leave that list: conflict); admins manage members and
  // outcasts below admin; nobody else does anything (forbidden).
  [[nodiscard]] Refusal maySetAffiliation(Affiliation actor, std::string_view targetJid,
                                          Affiliation affiliation) const;
  // Who may read the list of an affiliation (XEP-0045 9.5, 10.5, 10.8).
  [[nodiscard]] static Refusal mayListAffiliation(Affiliation actor, Affiliation list);

  History& history() { return history_; }
  [[nodiscard]] const History& history() const { return history_; }
  // The current subject message (<subject/> and who set it).
  std::string subject;
  std::string subjectNick;

 private:
  xmpp::Jid jid_;
  RoomConfig config_;
  bool locked_ = false;
  std::map<std::string, Affiliation, std::less<>> affiliations_;
  std::vector<Occupant> occupants_;
  History history_;
};

}  // namespace keyfed::modules::muc
