// XEP-0045's rules over one room (sections 5, 7.2, 8, 9, 10).
#include "room.hpp"

#include <algorithm>

namespace keyfed::modules::muc {

using xmpp::StanzaErrorCondition;

std::string_view toString(Affiliation a) {
  switch (a) {
    case Affiliation::outcast: return "outcast";
    case Affiliation::none: return "none";
    case Affiliation::member: return "member";
    case Affiliation::admin: return "admin";
    case Affiliation::owner: return "owner";
  }
  return "none";
}

std::string_view toString(Role r) {
  switch (r) {
    case Role::none: return "none";
    case Role::visitor: return "visitor";
    case Role::participant: return "participant";
    case Role::moderator: return "moderator";
  }
  return "none";
}

std::optional<Affiliation> parseAffiliation(std::string_view text) {
  for (auto a : {Affiliation::outcast, Affiliation::none, Affiliation::member, Affiliation::admin,
                 Affiliation::owner}) {
    if (text == toString(a)) return a;
  }
  return std::nullopt;
}

std::optional<Role> parseRole(std::string_view text) {
  for (auto r : {Role::none, Role::visitor, Role::participant, Role::moderator}) {
    if (text == toString(r)) return r;
  }
  return std::nullopt;
}

Room::Room(xmpp::Jid jid, RoomConfig config, std::size_t historyCapacity)
    : jid_(std::move(jid)),
      config_(std::move(config)),
      history_(std::min(historyCapacity, config_.historyLength)) {}

void Room::setConfig(RoomConfig config) {
  config_ = std::move(config);
  history_.setCapacity(config_.historyLength);
}

Affiliation Room::affiliationOf(std::string_view bareJid) const {
  auto it = affiliations_.find(bareJid);
  return it == affiliations_.end() ? Affiliation::none : it->second;
}

void Room::setAffiliation(const std::string& bareJid, Affiliation affiliation) {
  if (affiliation == Affiliation::none) {
    affiliations_.erase(bareJid);
  } else {
    affiliations_[bareJid] = affiliation;
  }
}

std::vector<std::string> Room::withAffiliation(Affiliation affiliation) const {
  std::vector<std::string> out;
  for (const auto& [jid, a] : affiliations_) {
    if (a == affiliation) out.push_back(jid);
  }
  return out;
}

std::size_t Room::ownerCount() const {
  return static_cast<std::size_t>(
      std::count_if(affiliations_.begin(), affiliations_.end(),
                    [](const auto& e) { return e.second == Affiliation::owner; }));
}

Occupant* Room::findByNick(std::string_view nick) {
  auto it = std::find_if(occupants_.begin(), occupants_.end(),
                         [nick](const Occupant& o) { return o.nick == nick; });
  return it == occupants_.end() ? nullptr : &*it;
}

Occupant* Room::findByJid(std::string_view fullJid) {
  auto it = std::find_if(occupants_.begin(), occupants_.end(),
                         [fullJid](const Occupant& o) { return o.jid.full() == fullJid; });
  return it == occupants_.end() ? nullptr : &*it;
}

Role Room::defaultRole(Affiliation affiliation) const {
  switch (affiliation) {
    case Affiliation::owner:
    case Affiliation::admin: return Role::moderator;
    case Affiliation::member: return Role::participant;
    case Affiliation::none: return config_.moderated ? Role::visitor : Role::participant;
    case Affiliation::outcast: return Role::none;
  }
  return Role::none;
}

Refusal Room::mayJoin(const xmpp::Jid& who, std::string_view nick,
                      std::string_view password) const {
  const Affiliation affiliation = affiliationOf(who.bareView());
  if (affiliation == Affiliation::outcast) return StanzaErrorCondition::forbidden;
  if (locked_ && affiliation != Affiliation::owner) return StanzaErrorCondition::itemNotFound;
  if (config_.membersOnly && affiliation < Affiliation::member) {
    return StanzaErrorCondition::registrationRequired;
  }
  for (const auto& o : occupants_) {
    if (o.nick == nick && o.jid.full() != who.full()) return StanzaErrorCondition::conflict;
  }
  if (config_.passwordProtected && affiliation != Affiliation::owner &&
      password != config_.password) {
    return StanzaErrorCondition::notAuthorized;
  }
  if (occupants_.size() >= config_.maxUsers && affiliation < Affiliation::admin) {
    return StanzaErrorCondition::serviceUnavailable;
  }
  return std::nullopt;
}

Occupant& Room::addOccupant(std::string nick, xmpp::Jid jid, xml::Element presence) {
  const Role role = defaultRole(affiliationOf(jid.bareView()));
  occupants_.push_back(Occupant{std::move(nick), std::move(jid), role, std::move(presence)});
  return occupants_.back();
}

void Room::removeOccupant(std::string_view nick) {
  std::erase_if(occupants_, [nick](const Occupant& o) { return o.nick == nick; });
}

Refusal Room::maySpeak(const Occupant& o) const {
  if (o.role < Role::participant) return StanzaErrorCondition::forbidden;
  return std::nullopt;
}

Refusal Room::mayChangeSubject(const Occupant& o) const {
  if (o.role == Role::moderator) return std::nullopt;
  if (config_.occupantsChangeSubject && o.role == Role::participant) return std::nullopt;
  return StanzaErrorCondition::forbidden;
}

Refusal Room::maySetRole(const Occupant& actor, const Occupant& target, Role role) const {
  const Affiliation actorAffiliation = affiliationOf(actor);
  const Affiliation targetAffiliation = affiliationOf(target);
  if (actor.role != Role::moderator) return StanzaErrorCondition::forbidden;
  // Granting or revoking moderation is for admins and owners (9.6, 9.7).
  if ((role == Role::moderator || target.role == Role::moderator) &&
      actorAffiliation < Affiliation::admin) {
    return StanzaErrorCondition::forbidden;
  }
  // Nobody lowers the role of someone of equal or higher affiliation, and
  // admins and owners are never kicked nor muted (8.2, 8.4).
  if (role < target.role) {
    if (targetAffiliation >= Affiliation::admin) return StanzaErrorCondition::notAllowed;
    if (targetAffiliation >= actorAffiliation && targetAffiliation > Affiliation::none &&
        &actor != &target) {
      return StanzaErrorCondition::notAllowed;
    }
  }
  return std::nullopt;
}

Refusal Room::maySetAffiliation(Affiliation actor, std::string_view targetJid,
                                Affiliation affiliation) const {
  const Affiliation current = affiliationOf(targetJid);
  if (actor == Affiliation::owner) {
    // The room must keep an owner (10.7, 10.9).
    if (current == Affiliation::owner && affiliation != Affiliation::owner && ownerCount() == 1) {
      return StanzaErrorCondition::conflict;
    }
    return std::nullopt;
  }
  if (actor == Affiliation::admin) {
    if (affiliation >= Affiliation::admin) return StanzaErrorCondition::forbidden;
    if (current >= Affiliation::admin) return StanzaErrorCondition::notAllowed;
    return std::nullopt;
  }
  return StanzaErrorCondition::forbidden;
}

Refusal Room::mayListAffiliation(Affiliation actor, Affiliation list) {
  const Affiliation needed = list == Affiliation::owner || list == Affiliation::admin
                                 ? Affiliation::owner
                                 : Affiliation::admin;
  if (actor < needed) return StanzaErrorCondition::forbidden;
  return std::nullopt;
}

}  // namespace keyfed::modules::muc
